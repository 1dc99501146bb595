//! Every crash the fuzz targets found, as a named regression test on its minimized input (committed
//! under `tests/corpus/fuzz/<target>/`), plus the hand-made seeds of `fuzz/seeds/` run once through
//! their targets. These run in CI; the fuzzing itself does not (`scripts/fuzz.sh`).

use std::path::PathBuf;

use super::*;
use crate::ErrorKind;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The minimized input of a crash the fuzzer found.
fn crash(target: &str, name: &str) -> Vec<u8> {
    let p = repo().join("tests/corpus/fuzz").join(target).join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Run a target the way its fuzz target does, by name.
fn run(target: &str, bytes: &[u8]) -> Result<()> {
    use crate::spark::codec::Codec;
    match target {
        "spark_plain" => spark_log(Codec::Plain, bytes),
        "spark_zstd" => spark_log(Codec::Zstd, bytes),
        "spark_lz4" => spark_log(Codec::Lz4, bytes),
        "spark_snappy" => spark_log(Codec::Snappy, bytes),
        "spark_lzf" => spark_log(Codec::Lzf, bytes),
        "delta_commit" => delta_commit(bytes),
        "delta_checkpoint" => delta_checkpoint(bytes),
        "iceberg_metadata" => iceberg_metadata(bytes),
        "iceberg_manifest_list" => iceberg_manifest_list(bytes, true).and(iceberg_manifest_list(bytes, false)),
        "iceberg_manifest" => iceberg_manifest(bytes),
        "hms_rows" => hms_rows(bytes),
        "inventory_manifest" => inventory(InventoryFile::Manifest, bytes),
        "inventory_csv" => inventory(InventoryFile::Csv(false), bytes),
        "inventory_csv_gz" => inventory(InventoryFile::Csv(true), bytes),
        "inventory_parquet" => inventory(InventoryFile::Parquet, bytes),
        "inventory_orc" => inventory(InventoryFile::Orc, bytes),
        "inventory_oiv" => inventory(InventoryFile::Oiv(false), bytes),
        "tutorial" => tutorial(bytes),
        "progress_file" => progress_file(bytes),
        other => panic!("no fuzz target {other}"),
    }
}

#[test]
fn the_hand_made_seeds_read_as_their_formats() {
    let dir = repo().join("fuzz/seeds");
    let mut n = 0;
    for target in std::fs::read_dir(&dir).unwrap() {
        let target = target.unwrap();
        for seed in std::fs::read_dir(target.path()).unwrap() {
            let seed = seed.unwrap().path();
            let name = target.file_name().into_string().unwrap();
            let r = run(&name, &std::fs::read(&seed).unwrap());
            // The manifest seed names data files that do not exist here: only reading it is checked.
            assert!(r.is_ok(), "{}: {:?}", seed.display(), r.err());
            n += 1;
        }
    }
    assert!(n >= 6, "the seeds are there: {n}");
}

#[test]
fn the_seeds_are_not_accepted_whatever_they_hold() {
    // A target that answers Ok to anything would make every fuzz run pass: broken inputs are errors.
    for (target, bytes) in [
        ("hms_rows", &b"\n\n"[..]),
        ("inventory_csv", b"Bucket, Size\n\"b\",\"1\""),
        ("inventory_oiv", b"not a header\n"),
        ("inventory_manifest", b"{}"),
        ("progress_file", b"{\"format\":\"x\"}"),
        ("delta_commit", b"{\"add\":{\"path\":\"a\",\"size\":-1}}"),
        ("iceberg_metadata", b"{\"format-version\":9}"),
    ] {
        assert!(run(target, bytes).is_err(), "{target} accepts {:?}", String::from_utf8_lossy(bytes));
    }
    let e = run("hms_rows", b"").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
}
