//! Light and dark palettes, chosen to stay readable on the app's backgrounds and in exported files.

use plotters::style::RGBColor;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Theme {
    Light,
    Dark,
}

/// The colours one theme draws with.
pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    /// Series colours, in order.
    pub series: [RGBColor; 5],
}

impl Theme {
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: RGBColor(255, 255, 255),
                text: RGBColor(31, 35, 40),
                muted: RGBColor(101, 109, 118),
                grid: RGBColor(234, 238, 242),
                series: [
                    RGBColor(37, 99, 235),
                    RGBColor(234, 88, 12),
                    RGBColor(22, 163, 74),
                    RGBColor(147, 51, 234),
                    RGBColor(100, 116, 139),
                ],
            },
            Theme::Dark => Palette {
                background: RGBColor(22, 27, 34),
                text: RGBColor(230, 237, 243),
                muted: RGBColor(139, 148, 158),
                grid: RGBColor(48, 54, 61),
                series: [
                    RGBColor(96, 165, 250),
                    RGBColor(251, 146, 60),
                    RGBColor(74, 222, 128),
                    RGBColor(192, 132, 252),
                    RGBColor(148, 163, 184),
                ],
            },
        }
    }
}
