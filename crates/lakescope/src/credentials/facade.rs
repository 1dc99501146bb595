//! The facade's credential calls, shared by `lakescope credentials …` and the Settings page.
//!
//! Only fields that apply to a source (by its kind and storage scheme) can be stored, so a typo or a
//! key for the wrong cloud fails at once instead of being kept where nothing reads it. Keychain calls
//! block on the platform's service (D-Bus on Linux), so they run on the blocking pool.

use serde::Serialize;
use ts_rs::TS;

use super::{CredentialStatus, Field, Secret};
use crate::api::Lakescope;
use crate::error::{Error, Result};
use crate::sources::{CredentialsFrom, SourceConfig};

/// A source's credentials as Settings and `credentials list` show them: which are stored, never values.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SourceCredentials {
    pub source: String,
    /// Whether the source reads them (`credentials = "keychain"` in its entry); otherwise stored
    /// values are not used and the environment applies.
    pub uses_keychain: bool,
    pub fields: Vec<CredentialStatus>,
}

impl Lakescope {
    fn source_for_credentials(&self, name: &str) -> Result<&SourceConfig> {
        self.sources().iter().find(|s| s.name == name).ok_or_else(|| {
            let known: Vec<_> = self.sources().iter().map(|s| s.name.as_str()).collect();
            Error::not_found(format!("no source named {name:?} (sources: {})", known.join(", ")))
        })
    }

    fn applicable(&self, source: &str, field: Field) -> Result<()> {
        let s = self.source_for_credentials(source)?;
        let fields = super::source_fields(s);
        if fields.contains(&field) {
            return Ok(());
        }
        let names: Vec<_> = fields.iter().map(|f| f.name()).collect();
        Err(Error::invalid(if names.is_empty() {
            format!("source {source} ({:?}) takes no credentials", s.kind)
        } else {
            format!("source {source} takes {}, not {field}", names.join(", "))
        }))
    }

    /// Which credentials each source (or the one named) has in the keychain.
    pub async fn credentials(&self, source: Option<&str>) -> Result<Vec<SourceCredentials>> {
        let wanted: Vec<(String, bool, Vec<Field>)> = match source {
            Some(name) => vec![self.source_for_credentials(name)?],
            None => self.sources().iter().collect(),
        }
        .into_iter()
        .map(|s| (s.name.clone(), s.credentials == Some(CredentialsFrom::Keychain), super::source_fields(s)))
        .filter(|(_, _, fields)| source.is_some() || !fields.is_empty())
        .collect();
        tokio::task::spawn_blocking(move || {
            wanted
                .into_iter()
                .map(|(source, uses_keychain, fields)| {
                    Ok(SourceCredentials { fields: super::status(&source, &fields)?, source, uses_keychain })
                })
                .collect()
        })
        .await?
    }

    /// Store one credential of a source in the keychain (replacing what was there).
    pub async fn set_credential(&self, source: &str, field: Field, value: Secret) -> Result<()> {
        self.applicable(source, field)?;
        let source = source.to_string();
        tokio::task::spawn_blocking(move || super::set(&source, field, &value)).await?
    }

    /// Remove one credential of a source from the keychain.
    pub async fn delete_credential(&self, source: &str, field: Field) -> Result<()> {
        self.applicable(source, field)?;
        let source = source.to_string();
        tokio::task::spawn_blocking(move || super::delete(&source, field)).await?
    }
}
