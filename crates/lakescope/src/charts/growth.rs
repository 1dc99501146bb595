//! Top-N tables by growth: one horizontal bar per table, biggest growth on top, its name above the bar
//! and the exact figure at its end. Shrinking tables get bars to the left of zero in another colour,
//! so "grew by a lot" and "shrank by a lot" never read alike.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{bars, draw_err, draw_legend, font, Chart, ChartOptions};
use crate::error::Result;
use crate::overview::Mover;
use crate::units;

pub struct TopGrowthChart<'a> {
    pub title: &'a str,
    /// In the order to draw, top first (the overview's order: biggest growth first).
    pub movers: &'a [Mover],
}

/// Signed bytes in human units (`+1.5 MiB`, `-300 B`).
pub fn signed_bytes(n: i64) -> String {
    match n {
        0 => "0 B".into(),
        n if n > 0 => format!("+{}", units::bytes(n as u64)),
        n => format!("-{}", units::bytes(n.unsigned_abs())),
    }
}

impl Chart for TopGrowthChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, opts: &ChartOptions) -> Result<()> {
        let pal = opts.theme.palette();
        root.fill(&pal.background).map_err(draw_err)?;
        if self.movers.is_empty() {
            root.draw(&Text::new("No table with history to measure growth", (20, 30), font(14, &pal.muted)))
                .map_err(draw_err)?;
            return Ok(());
        }
        let lo = self.movers.iter().map(|m| m.growth_bytes).min().unwrap_or(0).min(0);
        let hi = self.movers.iter().map(|m| m.growth_bytes).max().unwrap_or(0).max(0);
        let span = (hi - lo).max(1);
        // Room at the right for the figure printed after the longest bar.
        let (x0, x1) = (lo - if lo < 0 { span / 12 } else { 0 }, hi + span / 5 + 1);
        let n = self.movers.len();
        let mut chart = bars::frame(root, self.title, &pal, x0..x1, n, &|b| signed_bytes(*b))?;
        let (grew, shrank) = (pal.series[0], pal.series[1]);
        let series = |positive: bool| {
            let color = if positive { grew } else { shrank };
            self.movers
                .iter()
                .enumerate()
                .filter(move |(_, m)| (m.growth_bytes >= 0) == positive)
                .map(move |(i, m)| bars::bar(n, i, 0, m.growth_bytes, color))
        };
        chart.draw_series(series(true)).map_err(draw_err)?.label("grew").legend(bars::swatch(grew));
        if self.movers.iter().any(|m| m.growth_bytes < 0) {
            chart.draw_series(series(false)).map_err(draw_err)?.label("shrank").legend(bars::swatch(shrank));
        }
        for (i, m) in self.movers.iter().enumerate() {
            let name = (0.min(m.growth_bytes), m.table.clone());
            bars::label_row(root, &chart, &pal, (n, i), name, (m.growth_bytes.max(0), signed_bytes(m.growth_bytes)))?;
        }
        draw_legend(chart.configure_series_labels(), &pal, SeriesLabelPosition::LowerRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{render_png, render_svg, Theme};
    use crate::model::TableFormat;

    fn mover(table: &str, growth: i64) -> Mover {
        let before = 10_000_000u64;
        Mover {
            table: table.into(),
            format: TableFormat::Delta,
            bytes_before: before,
            bytes_now: (before as i64 + growth) as u64,
            growth_bytes: growth,
            growth_usd_per_month: 0.0,
        }
    }

    #[test]
    fn one_bar_and_one_label_per_table_in_both_themes() {
        let movers = [mover("demo.ods.orders", 5 << 20), mover("delta.fact.pay", 1 << 20), mover("hive.usr.x", -(300 << 10))];
        for theme in [Theme::Light, Theme::Dark] {
            let opts = ChartOptions { theme, ..Default::default() };
            let svg = render_svg(&TopGrowthChart { title: "Top growth, 30 days", movers: &movers }, &opts).unwrap();
            for m in &movers {
                assert_eq!(svg.matches(&m.table).count(), 1, "{} labelled once", m.table);
            }
            assert!(svg.contains("+5.0 MiB") && svg.contains("+1.0 MiB") && svg.contains("-300 KiB"), "exact figures");
            let fill = |c: &RGBColor| format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
            let pal = theme.palette();
            // Bars plus the legend's swatch, per colour.
            assert_eq!(svg.matches(&fill(&pal.series[0])).count(), 2 + 1, "two growing bars + legend");
            assert_eq!(svg.matches(&fill(&pal.series[1])).count(), 1 + 1, "one shrinking bar + legend");
            assert!(svg.contains(&fill(&pal.background)), "drawn on the theme's background");
        }
    }

    #[test]
    fn png_and_the_empty_chart() {
        let png = render_png(&TopGrowthChart { title: "t", movers: &[mover("a.b.c", 7)] }, &ChartOptions::default()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let svg = render_svg(&TopGrowthChart { title: "t", movers: &[] }, &ChartOptions::default()).unwrap();
        assert!(svg.contains("No table with history"));
    }

    /// Render-time note for the budget (< 50 ms): 100 bars, SVG, measured in the debug build
    /// the tests use (release is faster). The bound here is loose on purpose, for a shared CI machine.
    #[test]
    fn renders_a_hundred_bars_quickly() {
        let movers: Vec<_> = (0..100).map(|i| mover(&format!("s.n.t{i}"), 1000 * (100 - i))).collect();
        let t = std::time::Instant::now();
        let svg = render_svg(&TopGrowthChart { title: "t", movers: &movers }, &ChartOptions::default()).unwrap();
        let ms = t.elapsed().as_millis();
        eprintln!("top-growth chart, 100 bars, SVG: {ms} ms");
        assert!(svg.contains("s.n.t99") && ms < 2000, "{ms} ms");
    }
}
