//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz, outside the workspace): each hands outside
//! bytes to the parser the engine really uses for them, exactly as the engine calls it, and returns its
//! `Result`. A parser may answer any input with an `Error`; a panic, an abort or an unbounded allocation
//! is a bug, and each one found becomes a named regression test (`fuzzing_tests.rs`).
//!
//! Not an API: hidden from the docs, and kept to thin calls so the parsers themselves stay private.

use crate::error::Result;
pub use crate::storage::inventory::fuzz::File as InventoryFile;

/// A Spark event log compressed with `codec` (a file named `events.<codec>`), summarised as
/// `lakescope spark` does. Input that is `0xFF 0xFF`-separated is fed as the parts of a rolled log.
pub fn spark_log(codec: crate::spark::codec::Codec, bytes: &[u8]) -> Result<()> {
    let mut s = crate::spark::Summarizer::new("fuzz");
    for (i, part) in split_parts(bytes).enumerate() {
        let name = format!("events_{}_fuzz.{}", i + 1, codec.name());
        let input = codec.decoder(std::io::Cursor::new(part)).map_err(crate::Error::from)?;
        s.feed(input, &name)?;
    }
    s.finish(&crate::spark::Prices::default()).map(drop)
}

fn split_parts(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.windows(2).position(|w| w == [0xFF, 0xFF]) {
            Some(i) => {
                rest = Some(&r[i + 2..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// A Delta commit file (`_delta_log/NNN.json`): its actions and the schema of any metadata.
pub fn delta_commit(bytes: &[u8]) -> Result<()> {
    crate::table::delta::fuzz_commit(bytes)
}

/// A Delta Parquet checkpoint: its actions and the schema of its metadata.
pub fn delta_checkpoint(bytes: &[u8]) -> Result<()> {
    crate::table::delta::fuzz_checkpoint(bytes)
}

/// An Iceberg `metadata.json`.
pub fn iceberg_metadata(bytes: &[u8]) -> Result<()> {
    crate::table::iceberg::fuzz_metadata(bytes)
}

/// An Iceberg manifest list (Avro), as a v1 or v2 table's.
pub fn iceberg_manifest_list(bytes: &[u8], v2: bool) -> Result<()> {
    crate::table::iceberg::fuzz_manifest_list(bytes, v2)
}

/// Test support, not a fuzz target: on every manifest list and manifest in an Iceberg table's metadata
/// folder, the fast Avro readers must read the file and agree with the iceberg crate's readers.
/// Returns how many lists and manifests were compared.
pub fn iceberg_fast_readers_agree(metadata_dir: &std::path::Path) -> std::result::Result<(usize, usize), String> {
    crate::table::iceberg::fast_readers_agree_on(metadata_dir)
}

/// An Iceberg manifest (Avro), reduced as the table page reduces it.
pub fn iceberg_manifest(bytes: &[u8]) -> Result<()> {
    crate::table::iceberg::fuzz_manifest(bytes)
}

/// Hive Metastore row values (see `catalog::hms::stats::fuzz_rows` for the layout).
pub fn hms_rows(bytes: &[u8]) -> Result<()> {
    crate::catalog::hms::stats::fuzz_rows(&String::from_utf8_lossy(bytes))
}

/// An inventory file: an S3 Inventory manifest or data file, or an `hdfs oiv` dump.
pub fn inventory(file: InventoryFile, bytes: &[u8]) -> Result<()> {
    crate::storage::inventory::fuzz::read(file, bytes)
}

/// A tutorial file (TOML), and a trainer's progress file.
pub fn tutorial(bytes: &[u8]) -> Result<()> {
    let text = std::str::from_utf8(bytes).map_err(|e| crate::Error::invalid(format!("not UTF-8: {e}")))?;
    crate::tutorials::parse("fuzz", "fuzz.toml", text).map(drop)
}

/// A trainer's progress file (sent by a student).
pub fn progress_file(bytes: &[u8]) -> Result<()> {
    crate::tutorials::ProgressFile::parse("fuzz.lakescope-progress", bytes).map(drop)
}

#[cfg(test)]
#[path = "fuzzing_tests.rs"]
mod tests;
