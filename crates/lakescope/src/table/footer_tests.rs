//! Damaged footers on real Parquet files (written by the parquet crate here, by pyarrow in the
//! inventory corpus): each reader of users' Parquet files answers `Corrupt` naming the file, where the
//! parquet crate panicked or read past the end. The inventory and Delta checkpoint cases are in
//! `fuzzing_tests.rs`, on their fuzz targets.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::file::metadata::{ParquetMetaDataReader, ParquetMetaDataWriter, RowGroupMetaData};

use crate::api::Lakescope;
use crate::error::ErrorKind;
use crate::table::ReadOptions;

/// `bytes` (a whole Parquet file) with its footer rewritten: `damage` changes the first row group.
/// The pages stay where they are; only what the footer says about them changes.
pub(crate) fn damaged(bytes: &[u8], damage: impl FnOnce(RowGroupMetaData) -> RowGroupMetaData) -> Vec<u8> {
    let n = bytes.len();
    let meta_len = u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize;
    let start = n - 8 - meta_len;
    let meta = ParquetMetaDataReader::decode_metadata(&bytes[start..n - 8]).unwrap();
    let mut b = meta.into_builder();
    let mut groups = b.take_row_groups();
    let first = groups.remove(0);
    groups.insert(0, damage(first));
    let meta = b.set_row_groups(groups).build();
    let mut out = bytes[..start].to_vec();
    ParquetMetaDataWriter::new(&mut out, &meta).finish().unwrap();
    out
}

/// Set the data page offset and compressed size of the column chunk of top-level column `column`.
pub(crate) fn column_at(column: &str, offset: i64, size: i64) -> impl FnOnce(RowGroupMetaData) -> RowGroupMetaData {
    let column = column.to_string();
    move |rg| {
        let mut b = rg.into_builder();
        let mut cols = b.take_columns();
        let i = cols.iter().position(|c| c.column_path().parts()[0] == column).expect("the column is in the file");
        let c = cols.remove(i).into_builder().set_dictionary_page_offset(None).set_data_page_offset(offset);
        cols.insert(i, c.set_total_compressed_size(size).build().unwrap());
        b.set_column_metadata(cols).build().unwrap()
    }
}

/// A Parquet file of `rows` rows (two columns), written by the parquet crate.
fn parquet_file(rows: i64) -> Vec<u8> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("name", DataType::Utf8, false),
    ]));
    let ids: Vec<i64> = (0..rows).collect();
    let names: Vec<String> = ids.iter().map(|i| format!("row {i}")).collect();
    let batch =
        RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(ids)), Arc::new(StringArray::from(names))])
            .unwrap();
    let mut out = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut out, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

/// A plain Parquet table (a folder of files) holding `files`, by name.
fn table(dir: &Path, files: &[(&str, Vec<u8>)]) -> String {
    let t = dir.join("events");
    std::fs::create_dir_all(&t).unwrap();
    for (name, bytes) in files {
        std::fs::write(t.join(name), bytes).unwrap();
    }
    t.display().to_string()
}

#[test]
fn the_damage_is_only_in_the_footer() {
    // The damaging helper itself: an undamaged rewrite reads back the same rows as the original.
    let good = parquet_file(5);
    let same = damaged(&good, |rg| rg);
    let rows = |b: Vec<u8>| {
        let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(b))
            .unwrap()
            .build()
            .unwrap();
        r.map(|b| b.unwrap().num_rows()).sum::<usize>()
    };
    assert_eq!(rows(same), 5);
    assert_eq!(rows(good), 5);
}

#[tokio::test]
async fn a_sample_of_a_file_whose_footer_gives_a_negative_column_offset_is_corrupt_naming_it() {
    // The parquet crate asserts a column chunk's offset is not negative: before the footer check this
    // panicked in `sample` (its async reader), as it did in Delta checkpoints (found by fuzzing).
    let d = tempfile::tempdir().unwrap();
    let bad = damaged(&parquet_file(5), column_at("id", -4, 100));
    let t = table(d.path(), &[("part-0.parquet", bad)]);
    let ls = Lakescope::new(Vec::new(), None);
    let e = ls.sample(&t, None).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("part-0.parquet") && e.message.contains("negative offset"), "{}", e.message);
}

#[tokio::test]
async fn a_sample_of_a_file_whose_footer_puts_a_column_past_its_end_is_corrupt_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let good = parquet_file(5);
    let len = good.len() as i64;
    for (offset, size) in [(4, len * 10), (i64::MAX - 2, 10)] {
        let t = table(d.path(), &[("part-0.parquet", damaged(&good, column_at("id", offset, size)))]);
        let e = Lakescope::new(Vec::new(), None).sample(&t, None).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
        assert!(e.message.contains("part-0.parquet") && e.message.contains("past the file's end"), "{}", e.message);
    }
}

#[tokio::test]
async fn a_sample_of_a_file_whose_footer_gives_a_row_group_negative_rows_is_corrupt_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let bad = damaged(&parquet_file(5), |rg| rg.into_builder().set_num_rows(-3).build().unwrap());
    let t = table(d.path(), &[("part-0.parquet", bad)]);
    let e = Lakescope::new(Vec::new(), None).sample(&t, None).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("part-0.parquet") && e.message.contains("-3 rows"), "{}", e.message);
}

#[tokio::test]
async fn a_table_with_a_damaged_footer_names_the_file_and_counts_only_the_sound_ones() {
    // The table page reads footers only: a damaged one is that file's warning (like a cut file), and its
    // rows are not counted as if the file were sound.
    let d = tempfile::tempdir().unwrap();
    let good = parquet_file(5);
    let bad = damaged(&parquet_file(7), column_at("id", -4, 100));
    let t = table(d.path(), &[("part-0.parquet", good), ("part-1.parquet", bad)]);
    let info = Lakescope::new(Vec::new(), None).table(&t, &ReadOptions::default()).await.unwrap();
    assert_eq!(info.current.records, Some(5), "{:?}", info.warnings);
    assert!(
        info.warnings.iter().any(|w| w.contains("part-1.parquet") && w.contains("negative offset")),
        "{:?}",
        info.warnings
    );
}

/// The fuzz corpus's pyarrow-written file whose embedded Arrow schema (`ARROW:schema`) is damaged (an
/// Int of bit width 436207680: arrow-ipc panics decoding it), as one file of a plain Parquet table.
fn damaged_arrow_schema_table(dir: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bytes = std::fs::read(root.join("tests/corpus/fuzz/inventory_parquet/damaged-arrow-schema")).unwrap();
    table(dir, &[("part-0.parquet", bytes)])
}

#[tokio::test]
async fn a_damaged_embedded_arrow_schema_is_read_by_the_parquet_schema_on_the_table_page_and_in_samples_not_a_panic() {
    let d = tempfile::tempdir().unwrap();
    let t = damaged_arrow_schema_table(d.path());
    let ls = Lakescope::new(Vec::new(), None);
    let info = ls.table(&t, &ReadOptions::default()).await.unwrap();
    assert!(!info.schema.is_empty() && info.warnings.is_empty(), "{:?} {:?}", info.schema, info.warnings);
    assert!(info.current.records.unwrap_or(0) > 0);
    // The fuzzed file has damaged pages too: its sample is a Corrupt error naming it, or rows.
    match ls.sample(&t, None).await {
        Ok(sample) => assert_eq!(sample.columns.len(), info.schema.len()),
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
            assert!(e.message.contains("part-0.parquet"), "{}", e.message);
        }
    }
}

#[tokio::test]
async fn a_sample_of_a_file_with_a_damaged_page_is_corrupt_naming_it() {
    // The fuzz corpus's inventory file whose page makes the parquet crate's RLE decoder shift past 64
    // bits (a panic in debug builds; release builds wrap and read garbage or fail).
    let d = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bytes = std::fs::read(root.join("tests/corpus/fuzz/inventory_parquet/rle-shift-overflow")).unwrap();
    let t = table(d.path(), &[("part-0.parquet", bytes)]);
    match Lakescope::new(Vec::new(), None).sample(&t, None).await {
        Ok(s) => {
            let debug = cfg!(debug_assertions);
            assert!(!debug, "debug builds panic on this page, yet {} rows were read", s.rows.len());
        }
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
            assert!(e.message.contains("part-0.parquet"), "{}", e.message);
        }
    }
}
