//! Size over time: the table's live data bytes after each version, as an area, with the file count
//! as a thin line on a second axis (many small files show up as a file line rising faster than bytes).

use chrono::{DateTime, Utc};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{draw_err, draw_legend, font, Chart, ChartOptions};
use crate::error::Result;
use crate::model::HistoryRow;
use crate::units;

pub struct SizeChart<'a> {
    pub title: &'a str,
    pub history: &'a [HistoryRow],
}

impl Chart for SizeChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, opts: &ChartOptions) -> Result<()> {
        let pal = opts.theme.palette();
        root.fill(&pal.background).map_err(draw_err)?;
        let points: Vec<(DateTime<Utc>, u64, u64)> = self
            .history
            .iter()
            .filter_map(|h| Some((DateTime::from_timestamp_millis(h.timestamp_ms)?, h.data_bytes, h.data_files)))
            .collect();
        if points.is_empty() {
            root.draw(&Text::new("No history recorded for this table", (20, 30), font(14, &pal.muted)))
                .map_err(draw_err)?;
            return Ok(());
        }
        let (t0, t1) = (points.first().unwrap().0, points.last().unwrap().0);
        // A single point still needs a visible x range.
        let t1 = if t1 <= t0 { t0 + chrono::Duration::hours(1) } else { t1 };
        let max_bytes = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
        let max_files = points.iter().map(|p| p.2).max().unwrap_or(0).max(1);

        let mut chart = ChartBuilder::on(root)
            .caption(self.title, font(15, &pal.text))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(70)
            .right_y_label_area_size(50)
            .build_cartesian_2d(t0..t1, 0u64..(max_bytes + max_bytes / 10))
            .map_err(draw_err)?
            .set_secondary_coord(t0..t1, 0u64..(max_files + max_files / 10 + 1));
        chart
            .configure_mesh()
            .light_line_style(pal.grid)
            .bold_line_style(pal.grid)
            .axis_style(pal.muted)
            .label_style(font(11, &pal.muted))
            .x_labels(6)
            .x_label_formatter(&|t| t.format("%Y-%m-%d").to_string())
            .y_labels(5)
            .y_label_formatter(&|b| units::bytes(*b))
            .draw()
            .map_err(draw_err)?;
        chart
            .configure_secondary_axes()
            .axis_style(pal.muted)
            .label_style(font(11, &pal.muted))
            .y_labels(5)
            .y_label_formatter(&|n| units::count(*n))
            .draw()
            .map_err(draw_err)?;

        let bytes_color = pal.series[0];
        chart
            .draw_series(AreaSeries::new(points.iter().map(|p| (p.0, p.1)), 0, bytes_color.mix(0.25)).border_style(bytes_color.stroke_width(2)))
            .map_err(draw_err)?
            .label("data bytes")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], bytes_color.filled()));
        let files_color = pal.series[1];
        chart
            .draw_secondary_series(LineSeries::new(points.iter().map(|p| (p.0, p.2)), files_color.stroke_width(1)))
            .map_err(draw_err)?
            .label("data files (right axis)")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], files_color.stroke_width(2)));
        draw_legend(chart.configure_series_labels(), &pal, SeriesLabelPosition::UpperLeft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{render_png, render_svg, Theme};

    fn row(day: i64, bytes: u64) -> HistoryRow {
        HistoryRow {
            version: day,
            version_id: day.to_string(),
            timestamp_ms: 1_760_000_000_000 + day * 86_400_000,
            operation: "WRITE".into(),
            records: Some(10),
            data_files: day as u64 + 1,
            data_bytes: bytes,
            added_files: 1,
            removed_files: 0,
            added_bytes: 0,
            removed_bytes: 0,
        }
    }

    #[test]
    fn renders_svg_with_axis_labels_in_both_themes() {
        let history: Vec<_> = (0..30).map(|d| row(d, (d as u64 + 1) * 3 * 1024 * 1024)).collect();
        for theme in [Theme::Light, Theme::Dark] {
            let opts = ChartOptions { theme, ..Default::default() };
            let svg = render_svg(&SizeChart { title: "ods.orders", history: &history }, &opts).unwrap();
            assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
            assert!(svg.contains("MiB"), "byte axis labels in human units");
            assert!(svg.contains("ods.orders"));
        }
    }

    #[test]
    fn renders_png_and_empty_history() {
        let png = render_png(&SizeChart { title: "t", history: &[row(0, 5)] }, &ChartOptions::default()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let svg = render_svg(&SizeChart { title: "t", history: &[] }, &ChartOptions::default()).unwrap();
        assert!(svg.contains("No history"));
    }
}
