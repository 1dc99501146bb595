//! S3 Inventory reports as AWS writes them: under the configuration's directory
//! (`<destination-prefix>/<source-bucket>/<config-id>/`) one `<YYYY-MM-DDTHH-MMZ>/manifest.json` per
//! report, naming data files by their full key in the destination bucket (`…/<config-id>/data/<uuid>.csv.gz`),
//! in the format the manifest's `fileFormat` says (CSV, Parquet or ORC) with the columns its `fileSchema`
//! lists.

use serde::Deserialize;

use super::rows::CsvColumns;
use super::{Report, ReportRef};
use crate::error::{Error, Result};
use crate::sources::SourceConfig;
use crate::storage::Location;

/// How a data file is read.
#[derive(Debug, Clone)]
pub(super) enum DataFormat {
    /// S3 Inventory CSV; `true` when gzipped (as AWS always writes it).
    Csv(CsvColumns, bool),
    Parquet,
    Orc,
    /// `hdfs oiv -p Delimited`; `true` when gzipped.
    Oiv(bool),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    source_bucket: String,
    #[serde(default)]
    creation_timestamp: Option<String>,
    file_format: String,
    #[serde(default)]
    file_schema: String,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Deserialize)]
struct ManifestFile {
    key: String,
    /// The MD5 of the data file as written (hex), checked when the file is read.
    #[serde(rename = "MD5checksum", default)]
    md5_checksum: Option<String>,
}

/// `2026-11-30T01-00Z`: the name of a report's directory.
fn is_stamp(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 17
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 | 13 => *c == b'-',
            10 => *c == b'T',
            16 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// The reports under a configuration's directory, oldest first (the names sort by time).
pub(super) async fn reports(cfg: &Location) -> Result<Vec<ReportRef>> {
    let (dirs, _) = cfg.list_dir().await?;
    let mut out: Vec<ReportRef> = dirs
        .into_iter()
        .filter(|d| is_stamp(d))
        .map(|d| ReportRef { date: d[..10].to_string(), rel: format!("{d}/manifest.json") })
        .collect();
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// Read a report's manifest: its data files and their format.
pub(super) async fn report(s: &SourceConfig, cfg: &Location, r: &ReportRef) -> Result<Report> {
    let what = cfg.join(&r.rel).display();
    let text = cfg.read(&r.rel).await?;
    parse_report(s, cfg, r, &what, &text)
}

/// A report from the text of its manifest (`what` names it in errors).
pub(super) fn parse_report(s: &SourceConfig, cfg: &Location, r: &ReportRef, what: &str, text: &[u8]) -> Result<Report> {
    let what = what.to_string();
    let m: Manifest = serde_json::from_slice(text)
        .map_err(|e| Error::corrupt(format!("{what} is not an S3 Inventory manifest (sourceBucket, fileFormat, fileSchema, files): {e}")))?;
    let uri = s.uri.as_deref().unwrap_or_default();
    let bucket = uri.strip_prefix("s3://").map(|b| b.split('/').next().unwrap_or_default());
    if bucket.is_some_and(|b| b != m.source_bucket) {
        return Err(Error::invalid(format!(
            "source {}: uri {uri} names another bucket than the inventory at {what}, which lists bucket {:?}",
            s.name, m.source_bucket
        )));
    }
    let config_id = cfg.display().rsplit('/').next().unwrap_or_default().to_string();
    let marker = format!("{}/{config_id}/", m.source_bucket);
    let format = |key: &str| -> Result<DataFormat> {
        match m.file_format.to_ascii_lowercase().as_str() {
            "csv" => Ok(DataFormat::Csv(CsvColumns::from_schema(&m.file_schema, &what)?, key.ends_with(".gz"))),
            "parquet" => Ok(DataFormat::Parquet),
            "orc" => Ok(DataFormat::Orc),
            other => Err(Error::unsupported(format!("{what}: fileFormat {other:?} (S3 Inventory writes CSV, Parquet or ORC)"))),
        }
    };
    let mut files = Vec::with_capacity(m.files.len());
    for f in &m.files {
        let Some((_, rel)) = f.key.split_once(&marker) else {
            return Err(Error::corrupt(format!("{what} names data file {:?}, which is not under {marker}", f.key)));
        };
        let md5 = f.md5_checksum.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_ascii_lowercase);
        files.push((cfg.join(rel), format(&f.key)?, md5));
    }
    let timestamp_ms = m
        .creation_timestamp
        .as_deref()
        .and_then(|t| t.trim().parse::<i64>().ok())
        .or_else(|| super::rows::parse_time_ms(&format!("{}T00:00", r.date)))
        .unwrap_or(0);
    Ok(Report { date: r.date.clone(), timestamp_ms, what, files })
}

#[cfg(test)]
mod tests {
    #[test]
    fn report_directories_are_recognised_by_their_stamp() {
        assert!(super::is_stamp("2016-11-06T21-32Z"));
        assert!(!super::is_stamp("data") && !super::is_stamp("hive") && !super::is_stamp("2016-11-06T21:32Z"));
    }
}
