//! The sources file: which catalogs and storage locations Lakescope browses.
//!
//! A TOML file (`[[source]]` entries) so that teams can keep it in git and hand it around. Secrets never
//! live here; a source names a keychain entry instead (see the catalogs issue).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result, ResultExt};

/// What a source is and therefore how its tables are discovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum SourceKind {
    /// Iceberg SQL catalog (`iceberg_tables` in SQLite/PostgreSQL/MySQL), as pyiceberg and Java write it.
    IcebergSql,
    /// Iceberg REST catalog.
    IcebergRest,
    /// Iceberg tables found by walking a filesystem/Hadoop-style warehouse.
    IcebergFs,
    /// Hive Metastore, read through its backing database.
    Hms,
    /// Delta tables found by scanning a location for `_delta_log`.
    Delta,
    /// Any table (Iceberg, Delta, Hive-style Parquet) found by scanning a storage location.
    Storage,
    /// The S3 Inventory reports of a bucket (`uri = "s3://bucket"`; `location` = the report
    /// configuration's directory): storage figures without LIST calls. Holds no tables.
    S3Inventory,
    /// `hdfs oiv -p Delimited` dumps of a NameNode's image (`uri = "hdfs://namenode"`; `location` = the
    /// dumps, one per day). Holds no tables.
    HdfsImage,
}

/// How tables sit under a scanned location when it is not just "anywhere below".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Layout {
    /// Unity Catalog style: `<root>/<catalog>/<schema>/<table>`, named `catalog.schema.table`.
    Unity,
}

/// Where a source's credentials come from besides the environment (see `credentials`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CredentialsFrom {
    /// The OS keychain, entries under service `lakescope` (`lakescope credentials set <source> <field>`).
    Keychain,
}

/// One `[[source]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceConfig {
    pub name: String,
    pub kind: SourceKind,
    /// Catalog database URL for `iceberg-sql` / `hms` (`sqlite:///…`, `postgres://…`), server URL for REST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub uri: Option<String>,
    /// Warehouse root (`file:///…`, `s3://bucket/prefix`); for `iceberg-rest`, the warehouse name sent to
    /// the server's `/v1/config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub warehouse: Option<String>,
    /// Root to scan for `delta` / `storage` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub location: Option<String>,
    /// Catalog name inside a shared SQL catalog database (`catalog_name` column); for `iceberg-rest`, the
    /// path prefix when the server's `/v1/config` announces none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub catalog: Option<String>,
    /// Store options passed to object_store (endpoint, region, allow_http, …); never secrets.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// `iceberg-rest`: the environment variable holding a bearer token (the token itself is never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token_env: Option<String>,
    /// `delta` / `storage`: tables only at `<catalog>/<schema>/<table>` below the location (`unity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub layout: Option<Layout>,
    /// `keychain`: keys and passwords are read from the OS keychain when connecting, and win over the
    /// environment's (crate::credentials says which fields); absent: the environment only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credentials: Option<CredentialsFrom>,
}

impl SourceConfig {
    /// A source with only a name and a kind; fill in the rest with struct update syntax.
    pub fn new(name: impl Into<String>, kind: SourceKind) -> Self {
        SourceConfig {
            name: name.into(),
            kind,
            uri: None,
            warehouse: None,
            location: None,
            catalog: None,
            options: BTreeMap::new(),
            token_env: None,
            layout: None,
            credentials: None,
        }
    }

    /// The options an object store of this source is opened with: its `options`, plus (for a keychain
    /// source) its name under `credentials::KEYCHAIN_OPTION`, so the store reads its keys from the keychain.
    pub fn store_options(&self) -> BTreeMap<String, String> {
        let mut options = self.options.clone();
        if self.credentials == Some(CredentialsFrom::Keychain) {
            options.insert(crate::credentials::KEYCHAIN_OPTION.to_string(), self.name.clone());
        }
        options
    }

    /// The storage root of this source: its warehouse or scan location. A REST catalog's `warehouse` is
    /// the server's name for a catalog, not a place in storage, so a REST source has none.
    pub fn root(&self) -> Option<&str> {
        if self.kind == SourceKind::IcebergRest {
            return self.location.as_deref();
        }
        // An inventory's `location` is where its reports are; the storage it describes is its `uri`.
        if matches!(self.kind, SourceKind::S3Inventory | SourceKind::HdfsImage) {
            return self.uri.as_deref();
        }
        self.warehouse.as_deref().or(self.location.as_deref())
    }
}

/// A parsed sources file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcesFile {
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
}

impl SourcesFile {
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let file: SourcesFile = toml::from_str(text).with_context(|| format!("sources file {}", path.display()))?;
        let mut seen = std::collections::BTreeSet::new();
        for s in &file.sources {
            if s.name.is_empty() || s.name.contains('.') {
                return Err(Error::invalid(format!(
                    "sources file {}: source name {:?} must be non-empty and contain no '.'",
                    path.display(),
                    s.name
                )));
            }
            if s.options.contains_key(crate::credentials::KEYCHAIN_OPTION) {
                return Err(Error::invalid(format!(
                    "sources file {}: source {:?}: option {:?} is Lakescope's own; write `credentials = \"keychain\"`",
                    path.display(),
                    s.name,
                    crate::credentials::KEYCHAIN_OPTION
                )));
            }
            if s.credentials.is_some() && s.name.contains('/') {
                return Err(Error::invalid(format!(
                    "sources file {}: source name {:?} must contain no '/' to keep credentials in the keychain",
                    path.display(),
                    s.name
                )));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(Error::invalid(format!(
                    "sources file {}: source name {:?} appears twice",
                    path.display(),
                    s.name
                )));
            }
        }
        Ok(file)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading sources file {}", path.display()))?;
        Self::parse(&text, path)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("sources serialise to TOML")
    }
}

/// Where the user's sources file lives when `--sources` is not given.
pub fn default_sources_path() -> PathBuf {
    dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("lakescope").join("sources.toml")
}

/// Where the demo lakehouse is built when no directory is given.
pub fn default_demo_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("lakescope").join("demo")
}

/// A connection URI as it may be shown in messages and logs: the password of `scheme://user:password@host/…`
/// is replaced by `***`. Sources files and `--store` may carry passwords in URIs; they must never reach an
/// error text. A plain path is shown as it is; something URL-like that does not parse shows only its scheme,
/// since we cannot tell where a password would be.
pub fn redact_url(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(_) => uri.to_string(),
        Err(_) => match uri.split_once("://") {
            Some((scheme, _)) if scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+') => format!("{scheme}://…"),
            Some(_) => "(not a URL)".to_string(),
            None => uri.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_url_hides_only_the_password() {
        use super::redact_url;
        assert_eq!(redact_url("postgres://hive:s3cr@t@db:5432/metastore"), "postgres://hive:***@db:5432/metastore");
        assert_eq!(redact_url("mysql://hive@db/ms?ssl=true"), "mysql://hive@db/ms?ssl=true");
        assert_eq!(redact_url("sqlite:///data/catalog.db"), "sqlite:///data/catalog.db");
        assert_eq!(redact_url("sqlite:catalog.db"), "sqlite:catalog.db");
        assert_eq!(redact_url("/home/me/.local/share/lakescope/store.db"), "/home/me/.local/share/lakescope/store.db");
        assert!(!redact_url("pg://hive:s3cret@[bad").contains("s3cret"));
    }

    use super::*;

    #[test]
    fn parses_design_example() {
        let text = r#"
[[source]]
name = "lake"
kind = "iceberg-sql"
uri  = "sqlite:///data/catalog.db"
warehouse = "file:///data/warehouse"

[[source]]
name = "s3"
kind = "storage"
location = "s3://bucket/prefix"
options = { endpoint = "http://127.0.0.1:5000", region = "us-east-1" }
"#;
        let f = SourcesFile::parse(text, Path::new("x.toml")).unwrap();
        assert_eq!(f.sources.len(), 2);
        assert_eq!(f.sources[0].kind, SourceKind::IcebergSql);
        assert_eq!(f.sources[1].options["endpoint"], "http://127.0.0.1:5000");
    }

    #[test]
    fn duplicate_names_name_the_file() {
        let text = "[[source]]\nname='a'\nkind='delta'\n[[source]]\nname='a'\nkind='delta'\n";
        let e = SourcesFile::parse(text, Path::new("/tmp/s.toml")).unwrap_err();
        assert!(e.message.contains("/tmp/s.toml") && e.message.contains("twice"), "{}", e.message);
    }

    #[test]
    fn unknown_kind_is_invalid_input() {
        let e = SourcesFile::parse("[[source]]\nname='a'\nkind='oracle'\n", Path::new("s.toml")).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::InvalidInput);
        assert!(e.message.contains("s.toml"));
    }
}
