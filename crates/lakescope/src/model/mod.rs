//! The data that crosses the engine's boundary: what the CLI prints with `--json` and what the app shows.
//!
//! These types *are* the CLI contract in `DESIGN.md` and are generated to TypeScript (ts-rs) for the UI.
//! Sizes are bytes, times are epoch milliseconds. 64-bit integers that can exceed 2^53 (Iceberg snapshot
//! ids) travel twice: as a JSON number for scripts and as an exact string (`*_id`) for JavaScript.

mod spark;
mod table;

pub use spark::*;
pub use table::*;
