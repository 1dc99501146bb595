//! Lakescope's engine: catalogs, storage, table formats, sizing and the demo lakehouse.
//!
//! The CLI (`crates/lakescope-cli`) and the desktop app (`src-tauri`) are thin shells over [`api`];
//! this crate knows nothing about either.

pub mod api;
pub mod bench;
pub mod cancel;
pub mod catalog;
pub mod charts;
pub mod collect;
pub mod cost;
pub mod credentials;
pub mod demo;
pub mod error;
pub mod findings;
#[doc(hidden)]
pub mod fuzzing;
pub mod lookup;
pub mod naming;
pub mod model;
pub mod overview;
pub mod sample;
pub mod settings;
pub mod size;
pub mod snippet;
pub mod sources;
pub mod store;
pub mod spark;
pub mod storage;
pub mod table;
mod tablepage;
pub mod tutorials;
pub mod units;
pub mod version;
pub mod versions;

pub use api::Lakescope;
pub use error::{Error, ErrorKind, Result};
