//! The frame the horizontal bar charts share (top growth, bytes per schema): one row per item, the first
//! on top, each item's name above its bar and its figure just past the bar's end, over a byte axis. Both
//! charts read the same way because they are drawn by the same code.

use std::ops::Range;

use plotters::coord::types::{RangedCoordf64, RangedCoordi64};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{draw_err, font, Palette};
use crate::error::Result;

pub(super) type Bars<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordi64, RangedCoordf64>>;

/// A chart of `rows` bar rows over the bytes `x`, captioned `title`, its axis labelled by `x_label`.
pub(super) fn frame<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    pal: &Palette,
    x: Range<i64>,
    rows: usize,
    x_label: &dyn Fn(&i64) -> String,
) -> Result<Bars<'a, DB>> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, font(15, &pal.text))
        .margin(12)
        .x_label_area_size(26)
        .y_label_area_size(8)
        .build_cartesian_2d(x, 0f64..rows as f64)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(pal.grid)
        .bold_line_style(pal.grid)
        .axis_style(pal.muted)
        .label_style(font(11, &pal.muted))
        .x_labels(6)
        .x_label_formatter(x_label)
        .draw()
        .map_err(draw_err)?;
    Ok(chart)
}

/// Row `i`'s bar from `from` to `to`, of `rows` rows.
pub(super) fn bar(rows: usize, i: usize, from: i64, to: i64, color: RGBColor) -> Rectangle<(i64, f64)> {
    let y = (rows - 1 - i) as f64;
    Rectangle::new([(from, y + 0.12), (to, y + 0.5)], color.filled())
}

/// The legend's swatch for a series drawn in `color`.
pub(super) fn swatch(color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
}

/// Row `i`'s name above its bar (starting at `name_x`) and `figure` just past the bar's end `end_x`.
pub(super) fn label_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Bars<'_, DB>,
    pal: &Palette,
    (rows, i): (usize, usize),
    (name_x, name): (i64, String),
    (end_x, figure): (i64, String),
) -> Result<()> {
    let y = (rows - 1 - i) as f64;
    let (nx, ny) = chart.backend_coord(&(name_x, y + 0.92));
    root.draw(&Text::new(name, (nx, ny), font(11, &pal.text))).map_err(draw_err)?;
    let (vx, vy) = chart.backend_coord(&(end_x, y + 0.45));
    root.draw(&Text::new(figure, (vx + 4, vy), font(11, &pal.muted))).map_err(draw_err)?;
    Ok(())
}

/// Bytes as a coordinate (no store holds 8 EiB).
pub(super) fn at(bytes: u64) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}
