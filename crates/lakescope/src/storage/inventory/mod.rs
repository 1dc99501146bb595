//! Storage figures from inventories instead of LIST calls: S3 Inventory reports (`manifest.json` plus
//! CSV/Parquet/ORC data files) and HDFS image dumps (`hdfs oiv -p Delimited`), configured as sources of
//! kind `s3-inventory` / `hdfs-image`.
//!
//! Listing a bucket of a billion objects takes a million LIST calls; the bucket's daily inventory already
//! holds every key and size, and a NameNode's fsimage dump holds the whole namespace. A source names the
//! storage it describes (`uri = "s3://bucket"` or `"hdfs://namenode"`) and where its reports are
//! (`location`), and then `du`, the Storage page's prefix tree and a size history (one point per report)
//! come from the reports: a location under the source's `uri` is answered from the newest report.
//!
//! Reports are streamed (see [`rows`]): per-prefix totals grow as rows pass ([`tally`]), one thread per
//! data file up to the machine's cores, so memory is bounded by the number of children shown, never by
//! the rows of the inventory.

mod checksum;
mod hdfs;
mod orc_check;
mod rows;
mod s3;
mod tally;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use serde::Serialize;
use ts_rs::TS;

use super::{DuOptions, DuProgress, DuReport, Location};
use crate::api::Lakescope;
use crate::error::{Error, Result};
use crate::sources::{SourceConfig, SourceKind};
use rows::Data;
use tally::Agg;

use s3::DataFormat;

/// One inventory of a location: the totals its report gives for that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InventoryPoint {
    /// The report's day (`YYYY-MM-DD`, UTC).
    pub date: String,
    /// When the report was made (S3: the manifest's `creationTimestamp`; HDFS: the dump's day).
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    /// The manifest or dump this point was read from.
    pub report: String,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub total_objects: u64,
}

/// `lakescope du <uri> --history --json`: a location's size, one point per inventory, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InventoryHistory {
    pub uri: String,
    pub source: String,
    pub kind: SourceKind,
    pub points: Vec<InventoryPoint>,
}

/// A location answered by an inventory source: the source and the key prefix below its `uri`.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub source: SourceConfig,
    pub prefix: String,
    pub uri: String,
}

/// One report of a source, as found by its name before it is read.
#[derive(Debug, Clone)]
struct ReportRef {
    date: String,
    /// The manifest (S3) or dump (HDFS) below the source's `location`.
    rel: String,
}

/// A report ready to scan: its data files and how to read them.
struct Report {
    date: String,
    timestamp_ms: i64,
    what: String,
    /// Each data file, how to read it, and the MD5 (lowercase hex) its manifest gives for it.
    files: Vec<(Location, DataFormat, Option<String>)>,
}

/// Whether `target` lies under an inventory source's `uri`: `s3://bucket/a/b` under `s3://bucket`.
/// Compared as text: keys are literal, so no URL decoding may change them.
pub(crate) fn target_in(sources: &[SourceConfig], target: &str) -> Option<Target> {
    let t = target.trim().trim_end_matches('/');
    sources.iter().find_map(|s| {
        if !matches!(s.kind, SourceKind::S3Inventory | SourceKind::HdfsImage) {
            return None;
        }
        let root = s.uri.as_deref()?.trim().trim_end_matches('/');
        let rest = t.strip_prefix(root)?;
        let prefix = if rest.is_empty() { "" } else { rest.strip_prefix('/')? };
        Some(Target { source: s.clone(), prefix: prefix.to_string(), uri: t.to_string() })
    })
}

fn reports_location(s: &SourceConfig) -> Result<Location> {
    let loc = s.location.as_deref().ok_or_else(|| {
        Error::invalid(format!(
            "source {} ({}) names no `location` (where its {} are)",
            s.name,
            kind_name(s.kind),
            if s.kind == SourceKind::HdfsImage { "`hdfs oiv -p Delimited` dumps" } else { "inventory reports" }
        ))
    })?;
    super::open(loc, &s.options)
}

fn kind_name(k: SourceKind) -> &'static str {
    if k == SourceKind::HdfsImage { "hdfs-image" } else { "s3-inventory" }
}

async fn reports(s: &SourceConfig) -> Result<(Location, Vec<ReportRef>)> {
    let loc = reports_location(s)?;
    let found = match s.kind {
        SourceKind::HdfsImage => hdfs::reports(&loc).await?,
        _ => s3::reports(&loc).await?,
    };
    if found.is_empty() {
        let shape = if s.kind == SourceKind::HdfsImage {
            "dumps named with their day (e.g. fsimage_2026-11-30.tsv)"
        } else {
            "reports (<YYYY-MM-DDTHH-MMZ>/manifest.json)"
        };
        return Err(Error::not_found(format!("source {}: no inventory {shape} under {}", s.name, loc.display())));
    }
    Ok((loc, found))
}

async fn load(s: &SourceConfig, loc: &Location, r: &ReportRef) -> Result<Report> {
    match s.kind {
        SourceKind::HdfsImage => Ok(hdfs::report(loc, &r.rel, &r.date)),
        _ => s3::report(s, loc, r).await,
    }
}

/// Scan one report for the objects below `prefix`, grouped `depth` levels down.
async fn scan(report: Report, prefix: &str, depth: usize, opts: &DuOptions) -> Result<Agg> {
    let handle = tokio::runtime::Handle::current();
    let opts = opts.clone();
    let prefix = prefix.to_string();
    tokio::task::spawn_blocking(move || scan_blocking(&report, &prefix, depth, &opts, &handle)).await?
}

/// Rows between cancel checks and progress reports.
const BATCH: u64 = 65_536;

fn scan_blocking(report: &Report, prefix: &str, depth: usize, opts: &DuOptions, handle: &tokio::runtime::Handle) -> Result<Agg> {
    opts.cancel.check(|| format!("reading {}", report.what))?;
    let next = AtomicUsize::new(0);
    let (objects, bytes) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(report.files.len()).max(1);
    let results: Vec<Result<Agg>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<Agg> {
                    let mut agg = Agg::new(prefix, depth);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((loc, format, md5)) = report.files.get(i) else { return Ok(agg) };
                        let what = loc.display();
                        let data = fetch(loc, &report.what, handle)?;
                        let data = match md5 {
                            Some(expected) => checksum::verified(data, expected, &what, &report.what)?,
                            None => data,
                        };
                        let mut since = DuProgress::default();
                        let flush = |since: &mut DuProgress| {
                            let o = objects.fetch_add(since.objects, Ordering::Relaxed) + since.objects;
                            let b = bytes.fetch_add(since.bytes, Ordering::Relaxed) + since.bytes;
                            *since = DuProgress::default();
                            if let Some(p) = &opts.progress {
                                p(DuProgress { objects: o, bytes: b, ..Default::default() });
                            }
                        };
                        let mut sink = |k: &str, size: u64, m: i64| -> Result<()> {
                            let before = agg.totals.objects;
                            agg.add(k, size, m);
                            if agg.totals.objects != before {
                                since.objects += 1;
                                since.bytes += size;
                            }
                            if since.objects >= BATCH {
                                opts.cancel.check(|| format!("reading {what}"))?;
                                flush(&mut since);
                            }
                            Ok(())
                        };
                        match format {
                            DataFormat::Csv(cols, gz) => rows::csv(data, *gz, cols, &what, &mut sink)?,
                            DataFormat::Parquet => rows::parquet(data, &what, &mut sink)?,
                            DataFormat::Orc => rows::orc(data, &what, &mut sink)?,
                            DataFormat::Oiv(gz) => rows::oiv(data, *gz, &what, &mut sink)?,
                        }
                        flush(&mut since);
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|_| Err(Error::internal("an inventory reader thread panicked")))).collect()
    });
    let mut total = Agg::new(prefix, depth);
    for r in results {
        total.merge(r?);
    }
    opts.cancel.check(|| format!("reading {}", report.what))?;
    Ok(total)
}

/// Open a data file: a local one as a file to stream, a remote one fetched whole (one object).
fn fetch(loc: &Location, report: &str, handle: &tokio::runtime::Handle) -> Result<Data> {
    let missing = |e: Error| {
        let mut e = e.context(format!("reading {}, a data file of {report}", loc.display()));
        if e.kind == crate::ErrorKind::Io && e.message.contains("No such file") {
            e.kind = crate::ErrorKind::NotFound;
        }
        e
    };
    match loc.local_path() {
        Some(p) => std::fs::File::open(p).map(Data::File).map_err(|e| missing(e.into())),
        None => handle.block_on(loc.read("")).map(Data::Bytes).map_err(missing),
    }
}

/// The newest report's figures for `t`, and which children are prefixes.
pub(crate) async fn du(t: &Target, opts: &DuOptions) -> Result<(DuReport, HashSet<String>)> {
    let (loc, refs) = reports(&t.source).await?;
    let newest = refs.last().expect("reports() returns at least one");
    let report = load(&t.source, &loc, newest).await?;
    let (date, what) = (report.date.clone(), report.what.clone());
    let agg = scan(report, &t.prefix, opts.depth, opts).await?;
    if agg.totals.objects == 0 && !t.prefix.is_empty() {
        return Err(Error::not_found(format!("{}: no objects under this prefix in the inventory of {date} ({what})", t.uri)));
    }
    Ok(agg.finish(t.uri.clone()))
}

/// Whether an inventory source's newest report can be found and its manifest read.
pub(crate) async fn probe(s: &SourceConfig) -> Result<String> {
    if s.uri.is_none() {
        return Err(Error::invalid(format!("source {} ({}) names no `uri` (the storage its inventory describes)", s.name, kind_name(s.kind))));
    }
    let (loc, refs) = reports(s).await?;
    let newest = refs.last().expect("at least one");
    let r = load(s, &loc, newest).await?;
    Ok(format!("{} reports, the newest of {} with {} data files", refs.len(), r.date, r.files.len()))
}

impl Lakescope {
    /// The inventory source that answers for `target`, if any.
    pub(crate) fn inventory_target(&self, target: &str) -> Option<Target> {
        target_in(self.sources(), target)
    }

    /// The size of a location under an inventory source, one point per report, oldest first.
    pub async fn du_history(&self, target: &str, opts: &DuOptions) -> Result<InventoryHistory> {
        let t = self.inventory_target(target).ok_or_else(|| {
            Error::invalid(format!(
                "{target}: a size history needs an inventory source (kind s3-inventory or hdfs-image) whose uri holds this location"
            ))
        })?;
        let (loc, refs) = reports(&t.source).await?;
        let mut points = Vec::with_capacity(refs.len());
        for r in &refs {
            let report = load(&t.source, &loc, r).await?;
            let (date, timestamp_ms, what) = (report.date.clone(), report.timestamp_ms, report.what.clone());
            let agg = scan(report, &t.prefix, 0, &DuOptions { depth: 0, ..opts.clone() }).await?;
            points.push(InventoryPoint { date, timestamp_ms, report: what, total_bytes: agg.totals.bytes, total_objects: agg.totals.objects });
        }
        Ok(InventoryHistory { uri: t.uri, source: t.source.name.clone(), kind: t.source.kind, points })
    }
}

/// Fuzzing entries (see [`crate::fuzzing`]): one inventory file of each kind, read as `du` reads it.
#[doc(hidden)]
pub mod fuzz {
    use super::*;

    /// Which inventory file the input is.
    #[derive(Debug, Clone, Copy)]
    pub enum File {
        /// A `manifest.json` of an S3 Inventory report.
        Manifest,
        /// An S3 Inventory CSV data file (gzipped when `true`); the input's first line is the manifest's
        /// `fileSchema`, the rest the file.
        Csv(bool),
        Parquet,
        Orc,
        /// An `hdfs oiv -p Delimited` dump (gzipped when `true`).
        Oiv(bool),
    }

    pub fn read(file: File, bytes: &[u8]) -> Result<()> {
        let mut sink = |k: &str, size: u64, ms: i64| -> Result<()> {
            std::hint::black_box((k, size, ms));
            Ok(())
        };
        let data = |b: &[u8]| Data::Bytes(bytes::Bytes::copy_from_slice(b));
        let what = "s3://inventory-dest/demo-lake/daily/data/fuzz";
        match file {
            File::Manifest => {
                let mut s = SourceConfig::new("fuzz", SourceKind::S3Inventory);
                s.uri = Some("s3://demo-lake".into());
                let cfg = Location::open(url::Url::parse("file:///inventories/demo-lake/daily").expect("a URL"), &Default::default())?;
                let r = ReportRef { date: "2026-11-30".into(), rel: "2026-11-30T01-00Z/manifest.json".into() };
                let report = s3::parse_report(&s, &cfg, &r, "manifest.json", bytes)?;
                std::hint::black_box((report.timestamp_ms, report.files.len()));
                Ok(())
            }
            File::Csv(gz) => {
                let (schema, rest) = match bytes.iter().position(|b| *b == b'\n') {
                    Some(i) => (&bytes[..i], &bytes[i + 1..]),
                    None => (bytes, &[][..]),
                };
                let cols = rows::CsvColumns::from_schema(&String::from_utf8_lossy(schema), "manifest.json")?;
                rows::csv(data(rest), gz, &cols, what, &mut sink)
            }
            File::Parquet => rows::parquet(data(bytes), what, &mut sink),
            File::Orc => rows::orc(data(bytes), what, &mut sink),
            File::Oiv(gz) => rows::oiv(data(bytes), gz, what, &mut sink),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_under_the_uri_is_answered_by_the_inventory() {
        let mut s = SourceConfig::new("inv", SourceKind::S3Inventory);
        s.uri = Some("s3://lake/".into());
        let sources = vec![s];
        assert_eq!(target_in(&sources, "s3://lake").unwrap().prefix, "");
        assert_eq!(target_in(&sources, "s3://lake/a b/%41/").unwrap().prefix, "a b/%41", "keys stay literal");
        assert!(target_in(&sources, "s3://lakehouse/x").is_none());
        assert!(target_in(&sources, "s3://other/x").is_none());
    }
}
