//! Opening object stores (S3 and S3-compatible servers, GCS, Azure) from a URL and a source's options.
//!
//! Credentials come from the OS keychain for a source with `credentials = "keychain"` (see
//! crate::credentials; its values override the environment's), else from the environment and the
//! provider's standard chain — never from the sources file:
//! the file is meant to be shared in git, so a secret key in it is refused with an error that says where
//! credentials go instead. For S3 that chain is object_store's: `AWS_ACCESS_KEY_ID` /
//! `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`,
//! `AWS_ROLE_ARN`), ECS container credentials, then EC2 instance metadata. Every other `AWS_*` setting
//! in the environment (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ALLOW_HTTP`, …) applies too, and a source's
//! options override it.
//!
//! Options a sources file accepts for `s3://` (object_store's names, with or without the `aws_` prefix):
//! `endpoint`, `region`, `allow_http`, `virtual_hosted_style_request`, `skip_signature` (anonymous
//! access), `request_payer`, `role_arn`, `role_session_name`, `endpoint_url_sts`, `imdsv1_fallback`,
//! `metadata_endpoint`, `unsigned_payload`, `checksum_algorithm`, client options such as `timeout` and
//! `connect_timeout` — plus our `path_style = true|false` (path-style requests, object_store's default,
//! which S3-compatible servers such as MinIO and moto want).
//!
//! For `az://` / `abfs://`: `account_name`, `endpoint` (the account's blob URL, for a private endpoint
//! or Azurite: `http://127.0.0.1:10000/devstoreaccount1`), `allow_http`, `use_emulator` (Azurite at
//! `AZURITE_BLOB_STORAGE_URL`, default port 10000, with its well-known account), `use_fabric_endpoint`,
//! `client_id`, `tenant_id`, `authority_host`, `skip_signature`; the key, SAS or secret comes from
//! `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_SAS_KEY`, `AZURE_CLIENT_SECRET`, …. For `gs://`:
//! `base_url` (an emulator or private endpoint), `skip_signature`, `application_credentials` (a path);
//! a service-account key comes from `GOOGLE_SERVICE_ACCOUNT` (a key file) or application default
//! credentials. Tested against Azurite and fake-gcs-server (tests/it/objstore).
//!
//! Retries are bounded more tightly than object_store's default (ten retries within three minutes): a
//! person browsing wants "unreachable" within seconds, not after a three-minute wait.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::list::PaginatedListStore;
use object_store::{ObjectStore, ObjectStoreScheme, RetryConfig};
use url::Url;

use crate::credentials::{self, Field};
use crate::error::{Error, Result};

/// Option names that would put a secret into a sources file.
const SECRET_KEYS: &[&str] = &[
    "access_key_id",
    "secret_access_key",
    "session_token",
    "token",
    "account_key",
    "access_key",
    "master_key",
    "client_secret",
    "sas_key",
    "sas_token",
    "service_account_key",
    "bearer_token",
    "password",
];

fn retry() -> RetryConfig {
    RetryConfig {
        max_retries: 3,
        retry_timeout: Duration::from_secs(15),
        backoff: Default::default(),
    }
}

/// An opened store: the store, its page-at-a-time listing where the service has one (S3, GCS, Azure:
/// what `du` lists prefixes concurrently with), and the object path the URL points at inside it.
pub(super) struct Opened {
    pub store: Arc<dyn ObjectStore>,
    pub pages: Option<Arc<dyn PaginatedListStore>>,
    pub prefix: ObjectPath,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Opened({}, {})", self.store, self.prefix)
    }
}

/// Both views of one store.
fn both<S: ObjectStore + PaginatedListStore>(s: S) -> (Arc<dyn ObjectStore>, Option<Arc<dyn PaginatedListStore>>) {
    let s = Arc::new(s);
    (s.clone(), Some(s))
}

/// The store for `url` (not `file://`) and the object path the URL points at inside it.
pub(super) fn open(url: &Url, options: &BTreeMap<String, String>) -> Result<Opened> {
    let (scheme, prefix) = ObjectStoreScheme::parse(url)
        .map_err(|e| Error::unsupported(format!("{url}: not a storage URL Lakescope can open ({e})")))?;
    // A keychain source's secrets: read here, where the store is built, and kept in memory only.
    let mut options = options.clone();
    let secrets = match options.remove(credentials::KEYCHAIN_OPTION) {
        Some(source) => match credentials::StoreKind::of_scheme(url.scheme()) {
            Some(kind) => credentials::store_secrets(&source, kind)?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let options = &options;
    for key in options.keys() {
        let bare = key.to_ascii_lowercase();
        let bare = ["aws_", "azure_storage_", "azure_", "google_"].iter().fold(bare, |k, p| k.strip_prefix(p).map(str::to_string).unwrap_or(k));
        if SECRET_KEYS.contains(&bare.as_str()) {
            return Err(Error::invalid(format!(
                "store option {key:?} for {url} is a credential; credentials are never read from a sources file \
                 — store them in the OS keychain (`credentials = \"keychain\"` and `lakescope credentials set`), \
                 or set them in the environment (e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or the provider's standard chain"
            )));
        }
    }
    let unknown = |key: &str| Error::invalid(format!("unknown store option {key:?} for {url}"));
    let (store, pages) = match scheme {
        ObjectStoreScheme::AmazonS3 => {
            let mut b = AmazonS3Builder::from_env().with_url(url.as_str()).with_retry(retry());
            for (k, v) in options {
                if k == "path_style" {
                    let path_style = parse_bool(k, v, url)?;
                    b = b.with_virtual_hosted_style_request(!path_style);
                    continue;
                }
                let key: AmazonS3ConfigKey = k.to_ascii_lowercase().parse().map_err(|_| unknown(k.as_str()))?;
                b = b.with_config(key, v);
            }
            for (field, secret) in &secrets {
                let key = match field {
                    Field::AccessKeyId => AmazonS3ConfigKey::AccessKeyId,
                    Field::SecretAccessKey => AmazonS3ConfigKey::SecretAccessKey,
                    Field::SessionToken => AmazonS3ConfigKey::Token,
                    _ => continue,
                };
                b = b.with_config(key, secret.expose());
            }
            both(b.build().map_err(|e| Error::from(e).context(format!("configuring {url}")))?)
        }
        ObjectStoreScheme::GoogleCloudStorage => {
            let mut b = GoogleCloudStorageBuilder::from_env().with_url(url.as_str()).with_retry(retry());
            for (k, v) in options {
                let key: GoogleConfigKey = k.to_ascii_lowercase().parse().map_err(|_| unknown(k.as_str()))?;
                b = b.with_config(key, v);
            }
            for (field, secret) in &secrets {
                if *field == Field::ServiceAccountKey {
                    b = b.with_config(GoogleConfigKey::ServiceAccountKey, secret.expose());
                }
            }
            both(b.build().map_err(|e| Error::from(e).context(format!("configuring {url}")))?)
        }
        ObjectStoreScheme::MicrosoftAzure => {
            let mut b = MicrosoftAzureBuilder::from_env().with_url(url.as_str()).with_retry(retry());
            for (k, v) in options {
                let key: AzureConfigKey = k.to_ascii_lowercase().parse().map_err(|_| unknown(k.as_str()))?;
                b = b.with_config(key, v);
            }
            for (field, secret) in &secrets {
                let key = match field {
                    Field::AccountKey => AzureConfigKey::AccessKey,
                    Field::SasToken => AzureConfigKey::SasKey,
                    Field::ClientSecret => AzureConfigKey::ClientSecret,
                    _ => continue,
                };
                b = b.with_config(key, secret.expose());
            }
            both(b.build().map_err(|e| Error::from(e).context(format!("configuring {url}")))?)
        }
        _ => {
            let (store, _) = object_store::parse_url_opts(url, options.iter())
                .map_err(|e| Error::from(e).context(format!("opening {url}")))?;
            (Arc::from(store), None)
        }
    };
    Ok(Opened { store, pages, prefix })
}

fn parse_bool(key: &str, value: &str, url: &Url) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(Error::invalid(format!("store option {key:?} for {url} must be true or false, not {value:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn secrets_in_a_sources_file_are_refused() {
        let url = Url::parse("s3://bucket/prefix").unwrap();
        for key in ["secret_access_key", "aws_access_key_id", "AWS_SESSION_TOKEN"] {
            let e = open(&url, &opts(&[(key, "x")])).expect_err("refused");
            assert_eq!(e.kind, crate::ErrorKind::InvalidInput);
            assert!(e.message.contains(key) && e.message.contains("environment"), "{}", e.message);
        }
    }

    #[test]
    fn unknown_and_malformed_options_name_the_key() {
        let url = Url::parse("s3://bucket/prefix").unwrap();
        let e = open(&url, &opts(&[("endpiont", "http://x")])).expect_err("refused");
        assert!(e.message.contains("endpiont"), "{}", e.message);
        let e = open(&url, &opts(&[("path_style", "maybe")])).expect_err("refused");
        assert!(e.message.contains("path_style") && e.message.contains("maybe"), "{}", e.message);
    }

    #[test]
    fn s3_options_give_the_prefix_inside_the_bucket() {
        let url = Url::parse("s3://bucket/a/b").unwrap();
        let o = opts(&[("endpoint", "http://127.0.0.1:9"), ("region", "us-east-1"), ("allow_http", "true"), ("path_style", "true")]);
        let opened = open(&url, &o).unwrap();
        assert!(opened.pages.is_some(), "S3 lists a page at a time");
        assert_eq!(opened.prefix.as_ref(), "a/b");
    }
}
