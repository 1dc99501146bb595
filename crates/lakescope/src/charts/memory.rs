//! Spark memory per executor: for each executor (and the driver) two stacked bars side by side — what
//! the cluster manager reserved (heap, off-heap, overhead, PySpark) and what Spark measured at the peak
//! (JVM heap, JVM off-heap, the JVM process's native memory beyond both, Python workers). An executor
//! whose peak is unknown gets a labelled empty slot, never a zero-height bar that reads as "used nothing".

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{draw_err, draw_legend, font, Chart, ChartOptions};
use crate::error::Result;
use crate::model::{metric, AppSummary, Telemetry};
use crate::units;

pub struct MemoryChart<'a> {
    pub app: &'a AppSummary,
}

/// The stacked parts of one bar: (component index into the legend, bytes).
type Stack = Vec<(usize, u64)>;

const COMPONENTS: [&str; 4] = ["heap", "off-heap", "overhead / native", "Python"];

fn bars(app: &AppSummary) -> Vec<(String, Stack, Option<Stack>)> {
    // In local-cluster mode the driver's process tree holds the executors too: show its JVM only.
    let shared_tree = crate::spark::summary::memory::driver_tree_is_shared(app.master.as_deref());
    app.executors
        .iter()
        .map(|x| {
            let a = &x.allocated;
            let alloc = vec![(0, a.heap_bytes), (1, a.offheap_bytes), (2, a.overhead_bytes), (3, a.pyspark_bytes)];
            let used = x.peak.filter(|_| x.telemetry != Telemetry::None).map(|p| {
                let heap = p.get(metric::JVM_HEAP);
                let off = p.get(metric::JVM_OFF_HEAP);
                if x.is_driver && shared_tree {
                    return vec![(0, heap), (1, off)];
                }
                let native = p.get(metric::PROCESS_TREE_JVM_RSS).saturating_sub(heap + off);
                vec![(0, heap), (1, off), (2, native), (3, p.get(metric::PROCESS_TREE_PYTHON_RSS))]
            });
            (x.id.clone(), alloc, used)
        })
        .collect()
}

impl Chart for MemoryChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, opts: &ChartOptions) -> Result<()> {
        let pal = opts.theme.palette();
        root.fill(&pal.background).map_err(draw_err)?;
        let data = bars(self.app);
        if data.is_empty() {
            root.draw(&Text::new("No executors in this application", (20, 30), font(14, &pal.muted))).map_err(draw_err)?;
            return Ok(());
        }
        let total = |s: &Stack| s.iter().map(|p| p.1).sum::<u64>();
        let max = data.iter().map(|(_, a, u)| total(a).max(u.as_ref().map(total).unwrap_or(0))).max().unwrap_or(1).max(1);
        let n = data.len() as f64;
        let title = format!("{} — allocated (left, light) vs peak used (right) per executor", self.app.app_name);
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(15, &pal.text))
            .margin(12)
            .x_label_area_size(26)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.6f64..(n - 0.4), 0u64..(max + max / 8))
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .light_line_style(pal.grid)
            .bold_line_style(pal.grid)
            .axis_style(pal.muted)
            .label_style(font(11, &pal.muted))
            .y_labels(6)
            .y_label_formatter(&|b| units::bytes(*b))
            .draw()
            .map_err(draw_err)?;
        let colors = [pal.series[0], pal.series[1], pal.series[4], pal.series[3]];
        for (c, name) in COMPONENTS.iter().enumerate() {
            let color = colors[c];
            let mut rects = Vec::new();
            for (i, (_, alloc, used)) in data.iter().enumerate() {
                let x = i as f64;
                let mut push = |stack: &Stack, x0: f64, x1: f64, style: ShapeStyle| {
                    let below: u64 = stack.iter().take_while(|p| p.0 != c).map(|p| p.1).sum();
                    let v = stack.iter().find(|p| p.0 == c).map(|p| p.1).unwrap_or(0);
                    if v > 0 {
                        rects.push(Rectangle::new([(x0, below), (x1, below + v)], style));
                    }
                };
                push(alloc, x - 0.38, x - 0.02, color.mix(0.35).filled());
                if let Some(u) = used {
                    push(u, x + 0.02, x + 0.38, color.filled());
                }
            }
            chart
                .draw_series(rects)
                .map_err(draw_err)?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
        }
        for (i, (id, _, used)) in data.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, 0));
            root.draw(&Text::new(id.clone(), (px - 4 * id.len() as i32, py + 6), font(11, &pal.text))).map_err(draw_err)?;
            if used.is_none() {
                let (ux, uy) = chart.backend_coord(&(i as f64 + 0.05, max / 20));
                root.draw(&Text::new("peak unknown", (ux, uy - 12), font(10, &pal.muted))).map_err(draw_err)?;
            }
        }
        draw_legend(chart.configure_series_labels(), &pal, SeriesLabelPosition::UpperRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{render_png, render_svg};
    use crate::model::{Allocation, ExecutorSummary, MemorySeconds, Peaks};

    fn app() -> AppSummary {
        let mut peak = Peaks::UNSET;
        let mut v = [0i64; 23];
        v[metric::JVM_HEAP] = 700 << 20;
        v[metric::PROCESS_TREE_JVM_RSS] = 1200 << 20;
        v[metric::PROCESS_TREE_PYTHON_RSS] = 300 << 20;
        peak.update(&Peaks(v));
        let exec = |id: &str, known: bool| ExecutorSummary {
            id: id.into(),
            host: None,
            is_driver: id == "driver",
            add_ms: Some(0),
            remove_ms: None,
            end_ms: Some(1000),
            removal_reason: None,
            lost_to_memory: false,
            cores: Some(1),
            resource_profile_id: 0,
            allocated: Allocation { heap_bytes: 2 << 30, overhead_bytes: 384 << 20, total_bytes: (2 << 30) + (384 << 20), ..Default::default() },
            peak: Some(peak),
            telemetry: if known { Telemetry::StageMetrics } else { Telemetry::None },
            tasks: 1,
            failed_tasks: 0,
            memory_bytes_spilled: 0,
            disk_bytes_spilled: 0,
            max_storage_bytes: None,
        };
        AppSummary {
            app_id: "app-1".into(),
            attempt_id: None,
            app_name: "lakescope-test".into(),
            spark_version: None,
            user: None,
            master: None,
            source: "x".into(),
            start_ms: Some(0),
            end_ms: Some(1000),
            completed: true,
            log_bytes: 0,
            events: 0,
            executors: vec![exec("driver", true), exec("1", true), exec("2", false)],
            jobs: vec![],
            stages: vec![],
            memory: MemorySeconds::default(),
            streaming: vec![],
            advice: vec![],
            warnings: vec![],
            memory_properties: Default::default(),
        }
    }

    #[test]
    fn svg_has_executors_components_and_unknowns() {
        let svg = render_svg(&MemoryChart { app: &app() }, &ChartOptions::default()).unwrap();
        for text in ["driver", "heap", "off-heap", "Python", "peak unknown", "GiB", "lakescope-test"] {
            assert!(svg.contains(text), "missing {text:?}");
        }
        let png = render_png(&MemoryChart { app: &app() }, &ChartOptions::default()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
