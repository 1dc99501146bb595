//! Bytes per schema: one horizontal bar per schema (most bytes on top), stacked as live data, bytes
//! that VACUUM / expire + orphan removal would reclaim, and the rest kept on storage (old versions still
//! in retention, metadata). The schema's name sits above its bar and its total at the end, so the
//! biggest schema and where its bytes go read at a glance in either theme.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{bars, draw_err, draw_legend, font, Chart, ChartOptions};
use crate::error::Result;
use crate::overview::SchemaBytes;
use crate::units;

pub struct SchemaChart<'a> {
    pub title: &'a str,
    /// In the order to draw, top first (the overview's order: most bytes first).
    pub schemas: &'a [SchemaBytes],
}

/// The three stacked parts of a schema's bytes: live, reclaimable, the rest (never negative).
pub fn parts(s: &SchemaBytes) -> [u64; 3] {
    let reclaimable = s.reclaimable_bytes.min(s.total_bytes.saturating_sub(s.live_bytes));
    [s.live_bytes, reclaimable, s.total_bytes.saturating_sub(s.live_bytes + reclaimable)]
}

/// What a bar is labelled with: `lake.mart (3 tables)`.
pub fn label(s: &SchemaBytes) -> String {
    format!("{} ({} table{})", s.schema, s.tables, if s.tables == 1 { "" } else { "s" })
}

const PARTS: [&str; 3] = ["live data", "reclaimable", "other kept (old versions, metadata)"];

impl Chart for SchemaChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, opts: &ChartOptions) -> Result<()> {
        let pal = opts.theme.palette();
        root.fill(&pal.background).map_err(draw_err)?;
        if self.schemas.is_empty() {
            root.draw(&Text::new("No tables to add up", (20, 30), font(14, &pal.muted))).map_err(draw_err)?;
            return Ok(());
        }
        let hi = bars::at(self.schemas.iter().map(|s| s.total_bytes).max().unwrap_or(0).max(1));
        let n = self.schemas.len();
        // Room at the right for the total printed after the longest bar.
        let mut chart = bars::frame(root, self.title, &pal, 0..hi + hi / 5 + 1, n, &|b| units::bytes(*b as u64))?;
        let colors = [pal.series[0], pal.series[1], pal.series[4]];
        for (k, label) in PARTS.iter().enumerate() {
            let color = colors[k];
            let series = self.schemas.iter().enumerate().filter_map(move |(i, s)| {
                let p = parts(s);
                let start: u64 = p[..k].iter().sum();
                (p[k] > 0).then(|| bars::bar(n, i, bars::at(start), bars::at(start + p[k]), color))
            });
            chart.draw_series(series).map_err(draw_err)?.label(*label).legend(bars::swatch(color));
        }
        for (i, s) in self.schemas.iter().enumerate() {
            bars::label_row(root, &chart, &pal, (n, i), (0, label(s)), (bars::at(s.total_bytes), units::bytes(s.total_bytes)))?;
        }
        draw_legend(chart.configure_series_labels(), &pal, SeriesLabelPosition::LowerRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{render_png, render_svg, Theme};

    fn schema(name: &str, tables: u64, total: u64, live: u64, reclaimable: u64) -> SchemaBytes {
        SchemaBytes { schema: name.into(), tables, total_bytes: total, live_bytes: live, reclaimable_bytes: reclaimable }
    }

    #[test]
    fn one_labelled_bar_per_schema_stacked_in_both_themes() {
        let schemas = [
            schema("lake.mart", 3, 5 << 20, 3 << 20, 1 << 20),
            schema("lake.ods", 2, 2 << 20, 2 << 20, 0),
            schema("hive.usr_ann", 1, 300 << 10, 100 << 10, 200 << 10),
        ];
        for theme in [Theme::Light, Theme::Dark] {
            let opts = ChartOptions { theme, ..Default::default() };
            let svg = render_svg(&SchemaChart { title: "Bytes per schema", schemas: &schemas }, &opts).unwrap();
            for (s, n) in [("lake.mart (3 tables)", 1), ("lake.ods (2 tables)", 1), ("hive.usr_ann (1 table)", 1)] {
                assert_eq!(svg.matches(s).count(), n, "{s} labelled once");
            }
            assert!(svg.contains("5.0 MiB") && svg.contains("2.0 MiB") && svg.contains("300 KiB"), "totals at the bars' ends");
            let fill = |c: &RGBColor| format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
            let pal = theme.palette();
            // Segments plus the legend's swatch, per part: live in all 3, reclaimable in 2, other in 1.
            assert_eq!(svg.matches(&fill(&pal.series[0])).count(), 3 + 1, "live segments");
            assert_eq!(svg.matches(&fill(&pal.series[1])).count(), 2 + 1, "reclaimable segments");
            assert_eq!(svg.matches(&fill(&pal.series[4])).count(), 1 + 1, "other segments");
            assert!(svg.contains(&fill(&pal.background)), "drawn on the theme's background");
            for label in PARTS {
                assert!(svg.contains(label), "legend names {label}");
            }
        }
    }

    #[test]
    fn parts_add_up_to_the_total_and_never_go_negative() {
        assert_eq!(parts(&schema("a.b", 1, 100, 60, 30)), [60, 30, 10]);
        // Inconsistent input (reclaimable larger than what is not live) is clipped, not wrapped.
        assert_eq!(parts(&schema("a.b", 1, 100, 80, 50)), [80, 20, 0]);
        assert_eq!(parts(&schema("a.b", 1, 0, 0, 0)), [0, 0, 0]);
    }

    #[test]
    fn png_and_the_empty_chart() {
        let png = render_png(&SchemaChart { title: "t", schemas: &[schema("a.b", 1, 7, 7, 0)] }, &ChartOptions::default()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let svg = render_svg(&SchemaChart { title: "t", schemas: &[] }, &ChartOptions::default()).unwrap();
        assert!(svg.contains("No tables to add up"));
    }
}
