//! The fuzz targets' entry points, run in CI on the hand-made seeds of `fuzz/seeds/` (each must read)
//! and on broken inputs (each must be an error). A crash the fuzzer finds becomes a named test here on
//! its minimized input, committed under `tests/corpus/fuzz/<target>/`. The fuzzing itself does not run in
//! CI (`scripts/fuzz.sh`).

use std::path::PathBuf;

use super::*;
use crate::ErrorKind;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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

#[test]
fn hms_times_past_the_range_of_milliseconds_are_no_time_not_a_panic() {
    // Found by review while writing the `hms_rows` target: CREATE_TIME and transient_lastDdlTime (epoch
    // seconds) were multiplied by 1000 unchecked, an overflow panic in debug builds on a damaged row.
    let row = b"x\nEXTERNAL_TABLE\n12\nfile:/tmp/t\n\norg.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe\n\n\
                9223372036854775807\n1\ntotalSize=1\ntransient_lastDdlTime=9223372036854775807\n\
                part.transient_lastDdlTime=9223372036854775807,0,9223372036854775807,1\n";
    assert!(hms_rows(row).is_ok());
}

#[test]
fn an_iceberg_manifest_whose_avro_schema_has_an_invalid_name_is_corrupt_not_a_panic() {
    // Found by fuzzing `iceberg_manifest` (scripts/fuzz.sh 60): a demo manifest with one bit flipped in
    // its header's schema, so a record is named `k119_v!20`. apache-avro 0.21 unwrapped that name's
    // validation and panicked; the names are now checked first (table::iceberg::avro_names).
    // The same in `iceberg_manifest_list`: a manifest list whose record is named `r%08`.
    for (target, file) in [("iceberg_manifest", "iceberg_manifest/invalid-avro-record-name"), ("iceberg_manifest_list", "iceberg_manifest_list/invalid-avro-record-name")] {
        let bytes = std::fs::read(repo().join("tests/corpus/fuzz").join(file)).unwrap();
        for target in [target, "iceberg_manifest", "iceberg_manifest_list"] {
            let e = run(target, &bytes).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Corrupt, "{file} as {target}: {}", e.message);
            assert!(e.message.contains("not a valid Avro name"), "{file} as {target}: {}", e.message);
        }
    }
}

#[test]
fn an_orc_inventory_whose_stripe_lies_past_the_end_is_corrupt_not_a_panic() {
    // Found by fuzzing `inventory_orc` (7 runs in): a stripe whose footer offset and length reach past
    // the end of the file. orc-rust sliced its bytes out of range and panicked; the stripes are now
    // checked against the file before orc-rust reads them (storage::inventory::orc_check).
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/inventory_orc/stripe-past-the-end")).unwrap();
    let e = run("inventory_orc", &bytes).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("stripe 0 (from byte 3, 389 + 19478 + 118 bytes) reaches past"), "{}", e.message);
}

#[test]
fn an_orc_inventory_whose_compressed_chunk_claims_more_than_follows_is_corrupt_not_a_panic() {
    // Found by the second run, after that fix: a compressed chunk of the file's footer whose header
    // claims 6677143 bytes where 377 follow. orc-rust panicked in its decompression (`split_to out of
    // bounds`), which was caught; the chunks are now checked before orc-rust sees them, so no panic.
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/inventory_orc/compressed-chunk-past-the-end")).unwrap();
    let e = run("inventory_orc", &bytes).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("a chunk claims 6677143 bytes where 377 follow"), "{}", e.message);
}

#[test]
fn a_parquet_inventory_with_a_damaged_embedded_arrow_schema_reads_by_its_parquet_schema() {
    // Found by fuzzing `inventory_parquet`: a bit flipped in the ARROW:schema metadata pyarrow embeds
    // (an Int of bit width 436207680). arrow-ipc panicked decoding it; the reader now skips it, and the
    // file's Parquet schema and data are intact, so its rows read.
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/inventory_parquet/damaged-arrow-schema")).unwrap();
    let r = run("inventory_parquet", &bytes);
    assert!(r.is_ok(), "{:?}", r.err());
}

#[test]
fn an_avro_header_claiming_more_metadata_entries_than_it_holds_is_corrupt_not_an_abort() {
    // Found by the second fuzz run of `iceberg_manifest` (120 s): a manifest whose header's metadata map
    // claims billions of entries. apache-avro reserved room for them (87 GB) and the process aborted.
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/iceberg_manifest/huge-header-map-count")).unwrap();
    for target in ["iceberg_manifest", "iceberg_manifest_list"] {
        let e = run(target, &bytes).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Corrupt, "{target}: {}", e.message);
        assert!(e.message.contains("metadata entries"), "{target}: {}", e.message);
    }
}

#[test]
fn a_delta_checkpoint_whose_footer_gives_a_negative_column_offset_is_corrupt_not_a_panic() {
    // Found by the 120 s fuzz pass of `delta_checkpoint` (50 runs in): a demo checkpoint whose footer
    // gives a column chunk a negative offset; the parquet crate asserts against that and panicked.
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/delta_checkpoint/negative-column-offset")).unwrap();
    let e = run("delta_checkpoint", &bytes).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("negative offset or size"), "{}", e.message);
}

#[test]
fn a_parquet_inventory_whose_footer_gives_a_negative_column_offset_or_one_past_its_end_is_corrupt() {
    // The pyarrow-written inventory of the corpus with its footer damaged (table::footer::tests): the
    // parquet crate asserted on the negative offset (a panic, as in Delta checkpoints); the footer is
    // now checked before any page is read, here as in every reader of users' Parquet files.
    use crate::table::footer_damage::{column_at, damaged};
    let good = std::fs::read(repo().join("tests/corpus/fuzz/inventory_parquet/damaged-arrow-schema")).unwrap();
    assert!(run("inventory_parquet", &good).is_ok());
    let len = good.len() as i64;
    // `size` is a column the reader projects: a damaged column it does not read is never looked at.
    for (damage, says) in [(column_at("size", -4, 100), "negative offset"), (column_at("size", 4, len), "past the file's end")] {
        let e = run("inventory_parquet", &damaged(&good, damage)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
        assert!(e.message.contains(says), "{}", e.message);
    }
}

#[test]
fn every_damaged_byte_of_a_real_orc_inventory_is_an_answer_or_an_error_never_a_panic() {
    // A zlib ORC inventory written by pyarrow (tests/inventory/make.py), with one byte inverted at a
    // time: in a compressed chunk's header, in its deflate stream, in a stripe footer, the footer, the
    // postscript. orc-rust panics on a chunk that claims more bytes than follow (`split_to out of
    // bounds`), `unwrap`s every decompression error, and follows types recursively (damaging bytes one
    // at a time once overflowed the stack, an abort; types must now point forward): the framing is checked
    // first (storage::inventory::orc_check). What is left are panics in its value decoders, on streams
    // that decompress but hold damaged runs: those are caught and named (rows.rs), never the others.
    let good = std::fs::read(repo().join("tests/corpus/fuzz/inventory_orc/intact-zlib")).unwrap();
    assert!(run("inventory_orc", &good).is_ok());
    let (mut corrupt, mut undecompressed, mut in_values) = (0, 0, 0);
    for (i, at) in (0..good.len()).step_by(13).enumerate() {
        for flip in [[0xFF, 0x01][i % 2]] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            let Err(e) = run("inventory_orc", &bad) else { continue };
            // A damaged column name in the footer leaves no `size` column: Unsupported, rightly.
            assert!(matches!(e.kind, ErrorKind::Corrupt | ErrorKind::Unsupported), "byte {at}: {:?} {}", e.kind, e.message);
            corrupt += 1;
            undecompressed += e.message.contains("does not decompress") as usize;
            if e.message.contains("failed on its values") {
                in_values += 1;
                for framing in ["split_to", "unwrap()", "Io {"] {
                    assert!(!e.message.contains(framing), "byte {at}: a framing panic reached the reader: {}", e.message);
                }
            }
        }
    }
    assert!(corrupt > 100 && undecompressed > 10, "{corrupt} errors, {undecompressed} chunks that do not decompress");
    assert!(in_values < corrupt / 5, "{in_values} of {corrupt} errors are panics in the value decoders");
}

#[test]
fn an_orc_inventory_whose_stripe_footer_lacks_column_encodings_is_corrupt_not_a_panic() {
    // Found by the third fuzz pass of `inventory_orc` (13,642 runs in, after the framing check): a stripe
    // footer with fewer column encodings than the file has columns. orc-rust indexed them by column id
    // and panicked (`index out of bounds: the len is 0 but the index is 2`, orc-rust src/column.rs).
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/inventory_orc/stripe-without-column-encodings")).unwrap();
    let e = run("inventory_orc", &bytes).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("column encodings for"), "{}", e.message);
}

#[test]
fn damaged_parquet_pages_are_corrupt_not_a_panic() {
    // Found by the third fuzz pass: damaged *pages* (the footers are sound). `delta_checkpoint`: the
    // parquet crate divides by a page's value count of 0 (byte_array.rs, a panic in release builds too);
    // `inventory_parquet`: its RLE decoder shifts past 64 bits (bit_util.rs; an overflow panic in debug
    // builds, wrapping in release). Not prevented (that is checking pages before the parquet crate
    // decodes them): caught, and the file's Corrupt error.
    for (target, file) in [("delta_checkpoint", "delta_checkpoint/page-divide-by-zero"), ("inventory_parquet", "inventory_parquet/rle-shift-overflow")] {
        let bytes = std::fs::read(repo().join("tests/corpus/fuzz").join(file)).unwrap();
        let e = run(target, &bytes).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Corrupt, "{file}: {}", e.message);
        assert!(e.message.contains("the Parquet reader failed on its pages"), "{file}: {}", e.message);
    }
}

#[test]
fn an_orc_inventory_whose_string_lengths_overflow_is_corrupt_not_a_panic() {
    // Found by the third fuzz pass of `inventory_orc` (133,380 runs in, after the column-encodings
    // check): string lengths whose sum overflows; arrow-buffer panics ("usize overflow") building the
    // offsets for orc-rust's string decoder — a value-decoder panic, caught and named (rows.rs), but
    // raised in arrow-buffer, so the fuzz target's hook (orc-rust's decoders only) still stops on it.
    let bytes = std::fs::read(repo().join("tests/corpus/fuzz/inventory_orc/string-lengths-overflow")).unwrap();
    let e = run("inventory_orc", &bytes).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("failed on its values (usize overflow)"), "{}", e.message);
}
