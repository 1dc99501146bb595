//! GCS on fake-gcs-server: Spark logs by `gs://` URL, `du` against the JSON API's own paginated listing,
//! the endpoint named in a sources file, and errors for a missing bucket or prefix.
//!
//! fake-gcs-server checks no credentials, so a refused key cannot be shown here (the S3 and Azure tests
//! show it); a missing bucket's XML listing it answers with 500 "no bucket named …" where GCS answers
//! 404 `NoSuchBucket` (which Lakescope reports as NotFound, as for S3).

use super::emulator::gcs;
use super::*;

#[test]
fn spark_logs_on_gcs_read_the_same_as_the_local_files() {
    spark_reads_as_locally(gcs(), "gs://spark/logs", "gs://spark/logs");
}

#[test]
fn du_on_gcs_equals_the_json_api_listing() {
    du_equals_the_emulators_listing(gcs(), "gs://lake/demo");
}

#[test]
fn the_endpoint_in_a_sources_file_needs_nothing_in_the_environment() {
    let e = gcs();
    let logs = repo_root().join("assets/spark/logs");
    e.upload_once(&logs, "gs://spark/logs");
    let dir = tempfile::tempdir().unwrap();
    let s = sources_file(dir.path(), "gs://spark", &[("base_url", e.endpoint.as_str()), ("skip_signature", "true")]);
    let ours = e.cli_json_with(&["--sources", &s, "du", "gs://spark/logs", "--depth", "1"], &[]);
    assert_eq!(sums(&ours), e.listing("gs://spark/logs", 1));
}

#[test]
fn a_missing_bucket_or_prefix_on_gcs_says_which() {
    let e = gcs();
    e.upload_once(&repo_root().join("assets/spark/logs"), "gs://spark/logs");
    let (_, doc) = e.cli_error(&["du", "gs://spark/typo"], &e.env());
    assert_eq!(error_naming(&doc, "gs://spark/typo").0, "NotFound", "{doc}");
    let (_, doc) = e.cli_error(&["spark", "gs://spark/typo"], &e.env());
    assert_eq!(error_naming(&doc, "gs://spark/typo").0, "NotFound", "{doc}");
    // The emulator's 500 for a missing bucket (see the module doc): still an error naming the prefix
    // and the bucket, never a panic or an empty answer.
    for args in [&["du", "gs://no-such-bucket/x"][..], &["spark", "gs://no-such-bucket/logs"]] {
        let (_, doc) = e.cli_error(args, &e.env());
        let (_, msg) = error_naming(&doc, "gs://no-such-bucket/");
        assert!(msg.contains("no-such-bucket"), "{msg}");
    }
}
