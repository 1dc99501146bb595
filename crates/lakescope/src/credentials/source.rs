//! Which credentials a source needs and how they reach the client that connects.
//!
//! A source opts in with `credentials = "keychain"`. Then, when it connects:
//! - **S3** (`s3://` root): `access_key_id` and `secret_access_key` (and `session_token` if stored) come
//!   from the keychain and override `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`;
//!   the other `AWS_*` settings and the source's options (endpoint, region) still apply.
//! - **GCS** (`gs://`): `service_account_key` (the key file's JSON) overrides `GOOGLE_SERVICE_ACCOUNT*`.
//! - **Azure** (`az://`, `abfs://`): whichever of `account_key`, `sas_token`, `client_secret` is stored
//!   overrides the `AZURE_*` equivalent.
//! - **Hive Metastore / Iceberg SQL catalog** on PostgreSQL or MySQL: `password` is the database password
//!   for the user named in `uri` (which then carries no password).
//! - **Iceberg REST**: `token` is the bearer token; without one, `token_env` still applies.
//!
//! A field the connection needs and the keychain lacks is a `NotFound` error that says how to store it;
//! a keychain that cannot be reached is `Unreachable` and says how to start one. Without
//! `credentials = "keychain"` nothing here runs and the environment paths work as before.
//!
//! Object stores are opened from an options map in many places; the source's name rides along in that
//! map under [`KEYCHAIN_OPTION`] (added by `SourceConfig::store_options`, refused in a sources file), so
//! the place that builds the store is the one that reads the keychain.

use super::{Field, Secret, get, lookup};
use crate::error::{Error, Result};
use crate::sources::{CredentialsFrom, SourceConfig, SourceKind};

/// The options key that carries a keychain source's name to the code that builds its object store.
pub const KEYCHAIN_OPTION: &str = "lakescope_keychain_source";

/// Object stores, by the scheme of a URL, that take credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    S3,
    Gcs,
    Azure,
}

impl StoreKind {
    pub fn of_scheme(scheme: &str) -> Option<StoreKind> {
        match scheme {
            "s3" | "s3a" => Some(StoreKind::S3),
            "gs" => Some(StoreKind::Gcs),
            "az" | "adl" | "azure" | "abfs" | "abfss" => Some(StoreKind::Azure),
            _ => None,
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            StoreKind::S3 => &[Field::AccessKeyId, Field::SecretAccessKey, Field::SessionToken],
            StoreKind::Gcs => &[Field::ServiceAccountKey],
            StoreKind::Azure => &[Field::AccountKey, Field::SasToken, Field::ClientSecret],
        }
    }
}

fn uses_keychain(source: &SourceConfig) -> bool {
    source.credentials == Some(CredentialsFrom::Keychain)
}

/// A catalog database URI on a server (not a SQLite file), which is what has a password.
fn server_database(uri: &str) -> bool {
    ["postgres:", "postgresql:", "mysql:", "mariadb:"].iter().any(|p| uri.starts_with(p))
}

/// The credential fields that apply to a source, whatever is stored: what Settings offers to fill in.
pub fn source_fields(source: &SourceConfig) -> Vec<Field> {
    let mut fields = Vec::new();
    match source.kind {
        SourceKind::Hms | SourceKind::IcebergSql if source.uri.as_deref().is_some_and(server_database) => {
            fields.push(Field::Password)
        }
        SourceKind::IcebergRest => fields.push(Field::Token),
        _ => {}
    }
    let scheme = source.root().and_then(|r| r.split_once("://")).map(|(s, _)| s.to_ascii_lowercase());
    if let Some(kind) = scheme.as_deref().and_then(StoreKind::of_scheme) {
        fields.extend_from_slice(kind.fields());
    }
    fields
}

/// The keychain values an object store of `kind` is built with for `source`.
pub fn store_secrets(source: &str, kind: StoreKind) -> Result<Vec<(Field, Secret)>> {
    match kind {
        StoreKind::S3 => {
            let mut out = vec![
                (Field::AccessKeyId, get(source, Field::AccessKeyId)?),
                (Field::SecretAccessKey, get(source, Field::SecretAccessKey)?),
            ];
            if let Some(token) = lookup(source, Field::SessionToken)? {
                out.push((Field::SessionToken, token));
            }
            Ok(out)
        }
        StoreKind::Gcs => Ok(vec![(Field::ServiceAccountKey, get(source, Field::ServiceAccountKey)?)]),
        StoreKind::Azure => {
            let mut out = Vec::new();
            for &f in kind.fields() {
                if let Some(v) = lookup(source, f)? {
                    out.push((f, v));
                }
            }
            if out.is_empty() {
                return Err(Error::not_found(format!(
                    "source {source}: no Azure credential in the OS keychain; store one of account_key, sas_token or \
                     client_secret with `lakescope credentials set {source} <field>` or in Settings"
                )));
            }
            Ok(out)
        }
    }
}

/// The catalog database password from the keychain, when the source keeps it there.
pub fn catalog_password(source: &SourceConfig) -> Result<Option<Secret>> {
    let Some(uri) = source.uri.as_deref().filter(|u| uses_keychain(source) && server_database(u)) else {
        return Ok(None);
    };
    if url::Url::parse(uri).ok().is_some_and(|u| u.password().is_some()) {
        return Err(Error::invalid(format!(
            "source {}: `uri` carries a password and `credentials = \"keychain\"` is set; remove the password from \
             the URI (the keychain's is used)",
            source.name
        )));
    }
    get(&source.name, Field::Password).map(Some)
}

/// The REST catalog's bearer token from the keychain, when the source keeps it there and it is stored
/// (`None` lets `token_env` apply; neither is `NotFound`).
pub fn rest_token(source: &SourceConfig) -> Result<Option<Secret>> {
    if !uses_keychain(source) {
        return Ok(None);
    }
    match lookup(&source.name, Field::Token)? {
        Some(t) => Ok(Some(t)),
        None if source.token_env.is_some() => Ok(None),
        None => get(&source.name, Field::Token).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_kind_and_the_root() {
        let mut s = SourceConfig::new("lake", SourceKind::Storage);
        s.location = Some("s3://bucket/lake".into());
        assert_eq!(source_fields(&s), vec![Field::AccessKeyId, Field::SecretAccessKey, Field::SessionToken]);
        let mut h = SourceConfig::new("hive", SourceKind::Hms);
        h.uri = Some("postgres://hive@db/metastore".into());
        h.warehouse = Some("gs://b/wh".into());
        assert_eq!(source_fields(&h), vec![Field::Password, Field::ServiceAccountKey]);
        let mut sql = SourceConfig::new("cat", SourceKind::IcebergSql);
        sql.uri = Some("sqlite:///data/catalog.db".into());
        sql.warehouse = Some("file:///data/wh".into());
        assert!(source_fields(&sql).is_empty());
    }

    #[test]
    fn without_the_keychain_nothing_is_read() {
        let mut h = SourceConfig::new("hive", SourceKind::Hms);
        h.uri = Some("postgres://hive@db/metastore".into());
        assert_eq!(catalog_password(&h).unwrap(), None);
        assert_eq!(rest_token(&SourceConfig::new("r", SourceKind::IcebergRest)).unwrap(), None);
    }

    #[test]
    fn a_password_in_the_uri_and_the_keychain_is_refused() {
        let mut h = SourceConfig::new("hive", SourceKind::Hms);
        h.uri = Some("postgres://hive:pw@db/metastore".into());
        h.credentials = Some(CredentialsFrom::Keychain);
        let e = catalog_password(&h).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidInput);
        assert!(!e.message.contains("pw@"), "{}", e.message);
    }
}
