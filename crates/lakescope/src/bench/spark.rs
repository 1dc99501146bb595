//! placeholder
use std::path::PathBuf;
use serde::Serialize;
use crate::error::{Error, Result};
pub struct Options { pub log: Option<PathBuf>, pub min_bytes: u64, pub python: PathBuf, pub cache_dir: PathBuf }
#[derive(Debug, Serialize)]
pub struct Report { pub log: String, pub uncompressed_bytes: u64, pub compressed_bytes: u64, pub tasks: u64, pub ours_seconds: f64, pub history_server_seconds: f64, pub ratio: f64, pub mb_per_second_per_core: f64, pub cores_used: usize, pub peak_rss_bytes: u64, pub peaks_match: bool }
pub async fn run(_o: &Options) -> Result<Report> { Err(Error::unsupported("not yet")) }
