//! Charts rendered by the engine with plotters, so the app, `lakescope chart` and exports show the same
//! picture: SVG for the app and exports, PNG from the same drawing code. Fonts are embedded, so every
//! machine draws the same pixels.

mod bars;
mod cost;
mod growth;
mod memory;
mod schemas;
mod size;
mod theme;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use cost::CostChart;
pub use growth::{signed_bytes, TopGrowthChart};
pub use memory::MemoryChart;
pub use schemas::SchemaChart;
pub use size::SizeChart;
pub use theme::{Palette, Theme};

use crate::error::{Error, Result};

static FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

/// Size and colours of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChartOptions {
    pub width: u32,
    pub height: u32,
    pub theme: Theme,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions { width: 900, height: 320, theme: Theme::Light }
    }
}

/// Something the engine can draw onto any plotters backend.
pub trait Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, opts: &ChartOptions) -> Result<()>;
}

fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Registration fails only for an unparsable font, and this one is ours.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Render to an SVG document.
pub fn render_svg(chart: &impl Chart, opts: &ChartOptions) -> Result<String> {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (opts.width, opts.height)).into_drawing_area();
        chart.draw(&root, opts)?;
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// Render to PNG bytes.
pub fn render_png(chart: &impl Chart, opts: &ChartOptions) -> Result<Vec<u8>> {
    register_fonts();
    let (w, h) = (opts.width, opts.height);
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        chart.draw(&root, opts)?;
        root.present().map_err(draw_err)?;
    }
    let img = image::RgbImage::from_raw(w, h, rgb).ok_or_else(|| Error::internal("chart buffer has the wrong size"))?;
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| Error::internal(format!("encoding PNG: {e}")))?;
    Ok(png)
}

/// Render to the format a file name asks for (`.svg` or `.png`).
pub fn render_for_path(chart: &impl Chart, opts: &ChartOptions, path: &std::path::Path) -> Result<Vec<u8>> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg") => Ok(render_svg(chart, opts)?.into_bytes()),
        Some("png") => render_png(chart, opts),
        _ => Err(Error::invalid(format!("{}: chart files must end in .svg or .png", path.display()))),
    }
}

/// Text in the charts' embedded font (registered as "sans-serif"), at `size` px in `color`.
pub(crate) fn font(size: i32, color: &RGBColor) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(color)
}

/// Draw the series legend the same way on every chart: at `position`, over a translucent background.
pub(crate) fn draw_legend<'a, 'b, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    mut labels: plotters::chart::SeriesLabelStyle<'a, 'b, DB, CT>,
    pal: &Palette,
    position: SeriesLabelPosition,
) -> Result<()> {
    labels
        .position(position)
        .background_style(pal.background.mix(0.85))
        .border_style(pal.grid)
        .label_font(font(11, &pal.text))
        .draw()
        .map_err(draw_err)
}

pub(crate) fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::internal(format!("drawing chart: {e}"))
}
