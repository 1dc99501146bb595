//! Credentials in the OS keychain: the one place Lakescope keeps a secret.
//!
//! A sources file is meant to be shared (in git, on a wiki), and the app's store, logs and exports are
//! handed around too, so none of them may hold a secret. A source that says `credentials = "keychain"`
//! has its keys and passwords read from the operating system's keychain when it connects — macOS
//! Keychain, Windows Credential Manager, and on Linux the desktop's Secret Service (GNOME Keyring,
//! KWallet) — and handed to object_store / sqlx / the REST client in memory only.
//!
//! Entries live under service `lakescope`, one per source and field, with the account
//! `<group>/<source>/<field>`: `s3/lake/secret_access_key`, `metastore/hive/password`. On Linux that is
//! what `secret-tool lookup service lakescope username s3/lake/secret_access_key` finds, so a user can
//! inspect or remove them with the desktop's own tools.
//!
//! The keychain has no "list" call on every platform, so listing a source's credentials asks for each
//! field Lakescope knows ([`Field::ALL`]) and reports only whether it is stored — never a value.
//! Values read for connecting are cached in this process (a listing of a hundred tables opens a store
//! per table; one D-Bus round trip each would add up) and the cache entry is dropped when the value is
//! set or deleted through Lakescope.

mod facade;
mod source;

pub use facade::SourceCredentials;
pub use source::{KEYCHAIN_OPTION, StoreKind, catalog_password, rest_token, source_fields, store_secrets};

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorKind, Result};

/// The keychain service every entry is filed under.
pub const SERVICE: &str = "lakescope";

/// A credential a source can have: which key of which service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Field {
    /// S3: the access key id.
    AccessKeyId,
    /// S3: the secret access key.
    SecretAccessKey,
    /// S3: a session token for temporary credentials (optional).
    SessionToken,
    /// GCS: a service account key (the JSON key file's content).
    ServiceAccountKey,
    /// Azure: the storage account's shared key.
    AccountKey,
    /// Azure: a SAS token.
    SasToken,
    /// Azure: a service principal's client secret.
    ClientSecret,
    /// A catalog database's password (Hive Metastore, Iceberg SQL catalog on PostgreSQL/MySQL).
    Password,
    /// An Iceberg REST catalog's bearer token.
    Token,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::AccessKeyId,
        Field::SecretAccessKey,
        Field::SessionToken,
        Field::ServiceAccountKey,
        Field::AccountKey,
        Field::SasToken,
        Field::ClientSecret,
        Field::Password,
        Field::Token,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::AccessKeyId => "access_key_id",
            Field::SecretAccessKey => "secret_access_key",
            Field::SessionToken => "session_token",
            Field::ServiceAccountKey => "service_account_key",
            Field::AccountKey => "account_key",
            Field::SasToken => "sas_token",
            Field::ClientSecret => "client_secret",
            Field::Password => "password",
            Field::Token => "token",
        }
    }

    /// What the credential is for; the first part of its keychain account.
    pub fn group(self) -> &'static str {
        match self {
            Field::AccessKeyId | Field::SecretAccessKey | Field::SessionToken => "s3",
            Field::ServiceAccountKey => "gcs",
            Field::AccountKey | Field::SasToken | Field::ClientSecret => "azure",
            Field::Password => "metastore",
            Field::Token => "rest",
        }
    }

    /// Parse a field name as a user types it (`secret_access_key`, also `s3/secret_access_key`).
    pub fn parse(text: &str) -> Result<Field> {
        let bare = text.rsplit('/').next().unwrap_or(text).trim().to_ascii_lowercase().replace('-', "_");
        Field::ALL.into_iter().find(|f| f.name() == bare).ok_or_else(|| {
            let known: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
            Error::invalid(format!("unknown credential field {text:?}; known fields: {}", known.join(", ")))
        })
    }

    /// The keychain account of this field for `source`.
    pub fn account(self, source: &str) -> String {
        format!("{}/{source}/{}", self.group(), self.name())
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A secret value: shown as `***` by `Debug`, so it cannot slip into a log line or an error by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The value itself, for handing to a client library.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Whether one field of a source is in the keychain (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CredentialStatus {
    pub source: String,
    pub field: Field,
    /// The keychain account (`s3/<source>/secret_access_key`), for finding it with the OS's tools.
    pub account: String,
    pub stored: bool,
}

/// Values read in this process, by account; `None` remembers "not stored".
static CACHE: Mutex<Option<HashMap<String, Option<Secret>>>> = Mutex::new(None);

fn cache_put(account: &str, value: Option<Secret>) {
    let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    c.get_or_insert_with(HashMap::new).insert(account.to_string(), value);
}

fn cache_get(account: &str) -> Option<Option<Secret>> {
    let c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    c.as_ref()?.get(account).cloned()
}

fn check_source_name(source: &str) -> Result<()> {
    if source.is_empty() || source.contains('/') {
        return Err(Error::invalid(format!("source name {source:?} cannot name keychain credentials (empty, or contains '/')")));
    }
    Ok(())
}

fn entry(source: &str, field: Field) -> Result<keyring::Entry> {
    check_source_name(source)?;
    keyring::Entry::new(SERVICE, &field.account(source)).map_err(|e| keychain_error(e, source, field, "opening"))
}

/// Store `value` as `field` of `source`, replacing what was there.
pub fn set(source: &str, field: Field, value: &Secret) -> Result<()> {
    if value.expose().is_empty() {
        return Err(Error::invalid(format!("an empty {field} for source {source} is not stored (to remove it, delete it)")));
    }
    let account = field.account(source);
    entry(source, field)?.set_password(value.expose()).map_err(|e| keychain_error(e, source, field, "storing"))?;
    cache_put(&account, Some(value.clone()));
    Ok(())
}

/// The stored value of `field` for `source`; `NotFound` says how to store it.
pub fn get(source: &str, field: Field) -> Result<Secret> {
    lookup(source, field)?.ok_or_else(|| {
        Error::not_found(format!(
            "source {source}: no {field} in the OS keychain (account {}); store it with \
             `lakescope credentials set {source} {field}` or in Settings",
            field.account(source)
        ))
    })
}

/// The stored value of `field` for `source`, if any.
pub fn lookup(source: &str, field: Field) -> Result<Option<Secret>> {
    let account = field.account(source);
    if let Some(hit) = cache_get(&account) {
        return Ok(hit);
    }
    let value = match entry(source, field)?.get_password() {
        Ok(v) => Some(Secret(v)),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => return Err(keychain_error(e, source, field, "reading")),
    };
    cache_put(&account, value.clone());
    Ok(value)
}

/// Remove `field` of `source` from the keychain; `NotFound` when it was not there.
pub fn delete(source: &str, field: Field) -> Result<()> {
    let account = field.account(source);
    let res = entry(source, field)?.delete_credential();
    // Whatever the answer, the next read asks the keychain again.
    if let Some(c) = CACHE.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        c.remove(&account);
    }
    match res {
        Ok(()) => Ok(()),
        Err(keyring::Error::NoEntry) => {
            Err(Error::not_found(format!("source {source}: no {field} in the OS keychain (account {account}) to delete")))
        }
        Err(e) => Err(keychain_error(e, source, field, "deleting")),
    }
}

/// Which of `fields` the keychain holds for `source` (asks the keychain, not the cache: a listing is
/// what a user looks at after changing entries with other tools).
pub fn status(source: &str, fields: &[Field]) -> Result<Vec<CredentialStatus>> {
    fields
        .iter()
        .map(|&field| {
            let stored = match entry(source, field)?.get_password() {
                Ok(_) => true,
                Err(keyring::Error::NoEntry) => false,
                Err(e) => return Err(keychain_error(e, source, field, "reading")),
            };
            Ok(CredentialStatus { source: source.to_string(), field, account: field.account(source), stored })
        })
        .collect()
}

/// How to get a keychain when there is none: said in every "unreachable" message.
const HOW_TO_START: &str = "on Linux, Lakescope uses the Secret Service of the desktop session (GNOME Keyring or \
    KWallet); without a desktop session, start one on a D-Bus session bus, e.g. \
    `eval $(dbus-launch --sh-syntax); echo -n <password> | gnome-keyring-daemon --unlock --components=secrets`, \
    and export DBUS_SESSION_BUS_ADDRESS";

/// A keyring error as ours. The platform's messages never hold the value (the one variant that carries
/// bytes, `BadEncoding`, is not displayed).
fn keychain_error(e: keyring::Error, source: &str, field: Field, doing: &str) -> Error {
    let what = format!("{doing} {field} of source {source} in the OS keychain (account {})", field.account(source));
    match e {
        keyring::Error::NoEntry => Error::not_found(format!("{what}: no such entry")),
        keyring::Error::PlatformFailure(inner) => Error::new(
            ErrorKind::Unreachable,
            format!("{what}: the keychain is not available ({inner}); {HOW_TO_START}"),
        ),
        keyring::Error::NoStorageAccess(inner) => Error::new(
            ErrorKind::Permission,
            format!("{what}: the keychain refused access ({inner}); unlock it (the desktop's keyring prompt or `gnome-keyring-daemon --unlock`)"),
        ),
        keyring::Error::BadEncoding(_) => Error::corrupt(format!("{what}: the stored value is not UTF-8 text")),
        keyring::Error::Ambiguous(found) => Error::corrupt(format!(
            "{what}: {} entries match; remove the extra ones with the OS's keychain tool",
            found.len()
        )),
        keyring::Error::TooLong(attr, limit) => {
            Error::invalid(format!("{what}: {attr} is longer than the keychain allows ({limit})"))
        }
        keyring::Error::Invalid(attr, why) => Error::invalid(format!("{what}: {attr} is invalid ({why})")),
        other => Error::internal(format!("{what}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_name_group_source_and_field() {
        assert_eq!(Field::SecretAccessKey.account("lake"), "s3/lake/secret_access_key");
        assert_eq!(Field::Password.account("hive"), "metastore/hive/password");
        assert_eq!(Field::parse("s3/secret-access-key").unwrap(), Field::SecretAccessKey);
        let e = Field::parse("pasword").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("pasword") && e.message.contains("password"), "{}", e.message);
    }

    #[test]
    fn a_secret_never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn bad_source_names_and_empty_values_are_refused_before_the_keychain() {
        let e = set("a/b", Field::Password, &Secret::new("x")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        let e = set("a", Field::Password, &Secret::new("")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn an_unavailable_keychain_says_how_to_start_one() {
        let e = keychain_error(
            keyring::Error::PlatformFailure("no D-Bus session".into()),
            "lake",
            Field::SecretAccessKey,
            "reading",
        );
        assert_eq!(e.kind, ErrorKind::Unreachable);
        assert!(e.message.contains("gnome-keyring-daemon") && e.message.contains("s3/lake/secret_access_key"), "{}", e.message);
        let e = keychain_error(keyring::Error::BadEncoding(b"hunter2\xff".to_vec()), "lake", Field::Password, "reading");
        assert!(!e.message.contains("hunter2"), "{}", e.message);
    }
}
