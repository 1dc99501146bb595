//! The fast readers against the iceberg crate's, on files the iceberg crate writes.

use iceberg::io::FileIO;
use iceberg::spec::{FormatVersion, ManifestContentType, ManifestFile, ManifestListWriter};

use super::super::fast_avro;
use super::super::manifests::*;

/// A manifest list as the iceberg crate's own writer writes it (v1 or v2), with `n` manifests.
async fn written_list(dir: &std::path::Path, version: FormatVersion, n: i64) -> Vec<u8> {
    let path = dir.join(format!("snap-{version}.avro"));
    let io = FileIO::new_with_fs();
    let out = io.new_output(path.to_str().unwrap()).unwrap().writer().await.unwrap();
    let mut w = match version {
        FormatVersion::V1 => ManifestListWriter::v1(out, 99, Some(98)),
        _ => ManifestListWriter::v2(out, 99, Some(98), 7),
    };
    w.add_manifests((0..n).map(|i| ManifestFile {
        manifest_path: format!("s3://bucket/t/metadata/m{i}-\u{e9}.avro"),
        manifest_length: 1000 + i,
        partition_spec_id: 0,
        content: if i % 3 == 2 && version != FormatVersion::V1 { ManifestContentType::Deletes } else { ManifestContentType::Data },
        sequence_number: 7,
        min_sequence_number: 1,
        added_snapshot_id: 90 + i % 5,
        added_files_count: Some(3),
        existing_files_count: Some(0),
        deleted_files_count: Some(1),
        added_rows_count: Some(30),
        existing_rows_count: Some(0),
        deleted_rows_count: Some(10),
        partitions: None,
        key_metadata: None,
        first_row_id: None,
    }))
    .unwrap();
    w.close().await.unwrap();
    std::fs::read(&path).unwrap()
}

/// The same records, rewritten by apache-avro with another codec.
fn recoded(bytes: &[u8], codec: apache_avro::Codec) -> Vec<u8> {
    let reader = apache_avro::Reader::new(bytes).unwrap();
    let schema = reader.writer_schema().clone();
    let mut w = apache_avro::Writer::with_codec(&schema, Vec::new(), codec);
    for v in reader {
        w.append(v.unwrap()).unwrap();
    }
    w.into_inner().unwrap()
}

#[tokio::test]
async fn fast_list_reading_equals_the_iceberg_crates_in_every_codec() {
    let dir = tempfile::tempdir().unwrap();
    for version in [FormatVersion::V1, FormatVersion::V2] {
        let plain = written_list(dir.path(), version, 40).await;
        let expected = listed_both_ways(&plain, "snap.avro", version).unwrap().0;
        assert_eq!(expected.len(), 40);
        // Snappy is not read by the fast reader: that list takes the iceberg crate's path.
        for (codec, bytes) in [
            ("null", plain.clone()),
            ("deflate", recoded(&plain, apache_avro::Codec::Deflate(Default::default()))),
            ("snappy", recoded(&plain, apache_avro::Codec::Snappy)),
            ("zstd", recoded(&plain, apache_avro::Codec::Zstandard(Default::default()))),
        ] {
            let got: Vec<(String, i64)> = parse_listed(&bytes, "snap.avro", version)
                .unwrap()
                .into_iter()
                .map(|(p, l)| (p, l.added_snapshot_id))
                .collect();
            assert_eq!(got, expected, "{version} {codec}");
            // The fast reader itself reads every codec it has, the same as the iceberg crate's; snappy
            // goes the other way.
            let (full, fast) = listed_both_ways(&bytes, "snap.avro", version).unwrap();
            assert_eq!(full, expected, "{version} {codec}");
            assert_eq!(fast.as_ref().is_some(), codec != "snappy", "{version} {codec}");
            assert!(fast.is_none_or(|f| f == expected), "{version} {codec}");
        }
    }
}

#[tokio::test]
async fn a_broken_list_is_the_iceberg_crates_error() {
    let dir = tempfile::tempdir().unwrap();
    let plain = written_list(dir.path(), FormatVersion::V2, 5).await;
    for broken in [&plain[..plain.len() / 2], &b"Obj\x01 not avro"[..], &b"{}"[..]] {
        let e = parse_listed(broken, "snap-x.avro", FormatVersion::V2).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Corrupt, "{}", e.message);
        assert!(e.message.contains("snap-x.avro is not a readable manifest list"), "{}", e.message);
    }
}


#[tokio::test]
async fn fast_manifest_reading_gives_the_iceberg_crates_summary() {
    // The demo writer writes with the iceberg crate: day-partitioned (dates), with copy-on-write deletes
    // (DELETED entries) and a column added on the way.
    let dir = tempfile::tempdir().unwrap();
    let table = crate::demo::write_iceberg_for_tests(dir.path(), "partition = 'day'\ndays = 12\ndeletes = [-2]\nadd_column = { day = -5, name = 'coupon', type = 'string' }").await;
    let (lists, manifests) = super::readers_agree_on(&table.join("metadata")).unwrap();
    assert!(lists >= 12 && manifests >= 12, "{lists} lists, {manifests} manifests");
}

#[test]
fn a_broken_manifest_is_the_iceberg_crates_error() {
    let e = read_rows("m-x.avro", b"Obj\x01 nothing", 1).unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("m-x.avro is not a readable manifest"), "{}", e.message);
    assert!(fast_avro::manifest(b"", 1).is_none());
}
