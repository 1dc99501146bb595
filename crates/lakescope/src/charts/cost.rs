//! A table's cost over time: dollars per month after each version (its live data, priced) and at each
//! collected snapshot (every byte on storage, priced), then the forecast as a dashed line to 90 days
//! ahead. The two series stay apart because they price different things: history knows live data only.

use chrono::{DateTime, Utc};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{draw_err, draw_legend, font, Chart, ChartOptions};
use crate::cost::{TableCost, TrendOrigin};
use crate::error::Result;

const DAY_MS: i64 = 86_400_000;

pub struct CostChart<'a> {
    pub title: &'a str,
    pub cost: &'a TableCost,
}

/// `$0.0012`, `$12.35`: enough digits to tell small tables apart.
fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".into()
    } else if v.abs() >= 0.01 {
        format!("${v:.2}")
    } else {
        let decimals = (2 - v.abs().log10().floor() as i32).clamp(3, 12) as usize;
        format!("${v:.decimals$}")
    }
}

impl Chart for CostChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, opts: &ChartOptions) -> Result<()> {
        let pal = opts.theme.palette();
        root.fill(&pal.background).map_err(draw_err)?;
        let at = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms);
        let series = |origin: TrendOrigin| -> Vec<(DateTime<Utc>, f64)> {
            self.cost.trend.iter().filter(|p| p.origin == origin).filter_map(|p| Some((at(p.time_ms)?, p.usd_per_month))).collect()
        };
        let (history, collected) = (series(TrendOrigin::History), series(TrendOrigin::Collected));
        // The forecast starts at today's total (every byte), as `lakescope cost` computes it.
        let forecast: Vec<(DateTime<Utc>, f64)> = match &self.cost.forecast {
            Some(f) => [(0, self.cost.usd_per_month.total), (30, f.in_30_days.usd_per_month), (90, f.in_90_days.usd_per_month)]
                .into_iter()
                .filter_map(|(d, v)| Some((at(self.cost.as_of_ms + d * DAY_MS)?, v)))
                .collect(),
            None => Vec::new(),
        };
        if history.is_empty() && collected.is_empty() {
            root.draw(&Text::new("No history or collected snapshots to price for this table", (20, 30), font(14, &pal.muted)))
                .map_err(draw_err)?;
            return Ok(());
        }
        let all = history.iter().chain(&collected).chain(&forecast);
        let t0 = all.clone().map(|p| p.0).min().unwrap();
        let t1 = all.clone().map(|p| p.0).max().unwrap();
        let t1 = if t1 <= t0 { t0 + chrono::Duration::hours(1) } else { t1 };
        let max = all.map(|p| p.1).fold(0.0f64, f64::max).max(f64::MIN_POSITIVE);

        let mut chart = ChartBuilder::on(root)
            .caption(self.title, font(15, &pal.text))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(84)
            .build_cartesian_2d(t0..t1, 0f64..max * 1.1)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .light_line_style(pal.grid)
            .bold_line_style(pal.grid)
            .axis_style(pal.muted)
            .label_style(font(11, &pal.muted))
            .x_labels(6)
            .x_label_formatter(&|t| t.format("%Y-%m-%d").to_string())
            .y_labels(5)
            .y_label_formatter(&|v| format!("{}/mo", usd(*v)))
            .draw()
            .map_err(draw_err)?;

        let (hc, cc, fc) = (pal.series[0], pal.series[2], pal.series[1]);
        if !history.is_empty() {
            chart
                .draw_series(LineSeries::new(history.iter().copied(), hc.stroke_width(2)))
                .map_err(draw_err)?
                .label("live data after each version")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], hc.stroke_width(2)));
        }
        if !collected.is_empty() {
            chart
                .draw_series(collected.iter().map(|p| Circle::new(*p, 3, cc.filled())))
                .map_err(draw_err)?
                .label("all bytes on storage (collected)")
                .legend(move |(x, y)| Circle::new((x + 7, y), 3, cc.filled()));
        }
        if !forecast.is_empty() {
            chart
                .draw_series(DashedLineSeries::new(forecast.iter().copied(), 6, 4, fc.stroke_width(2)))
                .map_err(draw_err)?
                .label("forecast (30 / 90 days)")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], fc.stroke_width(2)));
        }
        draw_legend(chart.configure_series_labels(), &pal, SeriesLabelPosition::UpperLeft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{render_png, render_svg, Theme};
    use crate::cost::{CostBreakdown, Forecast, ForecastPoint, PriceProfile, TrendPoint};

    const T0: i64 = 1_790_000_000_000;

    fn cost(history: usize, collected: usize, forecast: bool) -> TableCost {
        let point = |i: usize, origin| TrendPoint {
            time_ms: T0 + i as i64 * DAY_MS,
            origin,
            live_bytes: 1000,
            total_bytes: None,
            usd_per_month: 0.001 * (i + 1) as f64,
        };
        let mut trend: Vec<TrendPoint> = (0..history).map(|i| point(i, TrendOrigin::History)).collect();
        trend.extend((0..collected).map(|i| point(i, TrendOrigin::Collected)));
        let fp = |days, usd| ForecastPoint { days, total_bytes: 1, usd_per_month: usd };
        TableCost {
            table: "demo.ods.orders".into(),
            profile: PriceProfile::resolve(None).unwrap(),
            conventions: String::new(),
            as_of_ms: T0 + 40 * DAY_MS,
            bytes: Default::default(),
            usd_per_day: CostBreakdown::default(),
            usd_per_month: CostBreakdown { total: 0.05, ..Default::default() },
            trend,
            forecast: forecast.then(|| Forecast {
                method: String::new(),
                slope_bytes_per_day: 1.0,
                points: 2,
                in_30_days: fp(30, 0.06),
                in_90_days: fp(90, 0.08),
            }),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn draws_each_series_it_has_with_a_legend_entry_in_both_themes() {
        for theme in [Theme::Light, Theme::Dark] {
            let opts = ChartOptions { theme, ..Default::default() };
            let svg = render_svg(&CostChart { title: "demo.ods.orders", cost: &cost(30, 4, true) }, &opts).unwrap();
            assert!(svg.contains("demo.ods.orders") && svg.contains("/mo"), "title and dollar axis");
            for label in ["live data after each version", "all bytes on storage (collected)", "forecast (30 / 90 days)"] {
                assert!(svg.contains(label), "legend {label}");
            }
            let c = theme.palette().series[2];
            let dots = svg.matches(&format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)).count();
            assert_eq!(dots, 4 + 1, "one dot per collected snapshot plus the legend's");
        }
        let svg = render_svg(&CostChart { title: "t", cost: &cost(5, 0, false) }, &ChartOptions::default()).unwrap();
        assert!(!svg.contains("forecast") && !svg.contains("collected"), "no series that is not there");
    }

    #[test]
    fn png_and_nothing_to_price() {
        let png = render_png(&CostChart { title: "t", cost: &cost(3, 1, true) }, &ChartOptions::default()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let svg = render_svg(&CostChart { title: "t", cost: &cost(0, 0, false) }, &ChartOptions::default()).unwrap();
        assert!(svg.contains("No history or collected snapshots"));
        assert_eq!(usd(0.00123), "$0.00123");
        assert_eq!(usd(12.345), "$12.35");
    }

    /// Render-time note: two years of daily points (730) plus a forecast, SVG, in the debug build the
    /// tests use (the budget is < 50 ms; the bound here is loose for a shared CI machine).
    #[test]
    fn two_years_of_daily_points_render_quickly() {
        let c = cost(730, 0, true);
        let t = std::time::Instant::now();
        render_svg(&CostChart { title: "t", cost: &c }, &ChartOptions::default()).unwrap();
        let ms = t.elapsed().as_millis();
        eprintln!("cost chart, 730 daily points, SVG: {ms} ms");
        assert!(ms < 2000, "{ms} ms");
    }
}
