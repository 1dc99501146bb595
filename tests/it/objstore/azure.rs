//! Azure Blob on Azurite: Spark logs by `az://` and `abfs://` URL, `du` against the Azure SDK's listing,
//! a private endpoint named in a sources file, and classified errors for a missing container and a
//! refused key.

use super::emulator::{AZ_ACCOUNT, AZ_KEY, azurite};
use super::*;

#[test]
fn spark_logs_on_azure_read_the_same_as_the_local_files() {
    let e = azurite();
    spark_reads_as_locally(e, "az://spark/logs", "az://spark/logs");
    // The same objects by their ADLS Gen2 URL (container@account).
    spark_reads_as_locally(e, "az://spark/logs", &format!("abfs://spark@{AZ_ACCOUNT}.dfs.core.windows.net/logs"));
}

#[test]
fn du_on_azure_equals_the_azure_sdk_listing() {
    du_equals_the_emulators_listing(azurite(), "az://lake/demo");
}

#[test]
fn a_private_endpoint_in_the_sources_file_with_the_key_from_the_environment() {
    let e = azurite();
    let logs = repo_root().join("assets/spark/logs");
    e.upload_once(&logs, "az://spark/logs");
    let dir = tempfile::tempdir().unwrap();
    // How a user reaches Azurite on another port, or a private endpoint: the account's blob URL.
    let endpoint = format!("{}/{AZ_ACCOUNT}", e.endpoint);
    let opts = [("endpoint", endpoint.as_str()), ("account_name", AZ_ACCOUNT), ("allow_http", "true")];
    let s = sources_file(dir.path(), "az://spark/logs", &opts);
    let key = [("AZURE_STORAGE_ACCOUNT_KEY", AZ_KEY.to_string())];
    let ours = e.cli_json_with(&["--sources", &s, "du", "az://spark/logs/codecs", "--depth", "1"], &key);
    assert_eq!(sums(&ours), e.listing("az://spark/logs/codecs", 1));

    // A wrong key: Auth, naming the prefix and the container.
    let wrong = [("AZURE_STORAGE_ACCOUNT_KEY", "d3Jvbmcga2V5IGZvciB0aGUgdGVzdA==".to_string())];
    let (code, doc) = e.cli_error(&["--sources", &s, "du", "az://spark/logs"], &wrong);
    let (kind, msg) = error_naming(&doc, "az://spark/logs");
    assert_eq!(kind, "Auth", "{doc}");
    assert!(msg.contains("credentials were refused") && msg.contains("\"spark\""), "{msg}");
    assert_ne!(code, 0);
    let (_, doc) = e.cli_error(&["--sources", &s, "spark", "az://spark/logs/codecs"], &wrong);
    assert_eq!(error_naming(&doc, "az://spark/logs/codecs").0, "Auth", "{doc}");

    // The key itself never goes in the sources file.
    let with_key = sources_file(dir.path(), "az://spark/logs", &[("endpoint", endpoint.as_str()), ("account_key", AZ_KEY)]);
    let (code, doc) = e.cli_error(&["--sources", &with_key, "du", "az://spark/logs"], &[]);
    assert_eq!((code, doc["error"]["kind"].as_str()), (2, Some("InvalidInput")), "{doc}");
}

#[test]
fn a_missing_container_or_prefix_on_azure_is_not_found() {
    let e = azurite();
    e.upload_once(&repo_root().join("assets/spark/logs"), "az://spark/logs");
    for args in [&["du", "az://no-such-container/x"][..], &["spark", "az://no-such-container/logs"]] {
        let (code, doc) = e.cli_error(args, &e.env());
        let (kind, msg) = error_naming(&doc, "az://no-such-container/");
        assert_eq!((code, kind.as_str()), (3, "NotFound"), "{args:?}: {doc}");
        assert!(msg.contains("container \"no-such-container\" does not exist"), "{msg}");
    }
    let (_, doc) = e.cli_error(&["du", "az://spark/typo"], &e.env());
    assert_eq!(error_naming(&doc, "az://spark/typo").0, "NotFound", "{doc}");
    let (_, doc) = e.cli_error(&["spark", "az://spark/typo"], &e.env());
    assert_eq!(error_naming(&doc, "az://spark/typo").0, "NotFound", "{doc}");
}
