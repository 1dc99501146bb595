//! "Test connection" for a configured source: one cheap read-only call that proves the source answers,
//! and, when it does not, the engine error that says what failed — unreachable (DNS, refused, TLS,
//! timeout), refused credentials, missing permission, or a missing bucket/database.
//!
//! Each kind is asked the least that still exercises what browsing needs: a storage root lists one
//! object; an Iceberg SQL catalog reads its `iceberg_tables`; a Hive Metastore runs its table query
//! through a read-only session; a REST catalog answers `GET /v1/config` (with the token, if any).

use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::error::{Error, ErrorKind, ErrorReport, Result};
use crate::sources::{SourceConfig, SourceKind};

/// How long a check may take before it counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// The answer to "test connection".
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ConnectionCheck {
    pub source: String,
    /// What was tried, e.g. `listing one object under s3://bucket/lake`.
    pub tried: String,
    pub ok: bool,
    /// What the source answered, when it did.
    pub detail: Option<String>,
    /// What failed, when it did: its kind (Unreachable, Auth, Permission, NotFound, …) and message.
    pub error: Option<ErrorReport>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl Lakescope {
    /// Test the configured source `name`. An unknown name is an error; a source that fails its check is
    /// an `Ok` answer with `ok: false` and the error.
    pub async fn check_source(&self, name: &str) -> Result<ConnectionCheck> {
        let source = self.sources().iter().find(|s| s.name == name).ok_or_else(|| {
            let known: Vec<&str> = self.sources().iter().map(|s| s.name.as_str()).collect();
            Error::not_found(format!("no source named {name:?} (configured: {})", known.join(", ")))
        })?;
        Ok(check(source).await)
    }
}

/// Run the check for one source.
pub async fn check(source: &SourceConfig) -> ConnectionCheck {
    let started = Instant::now();
    let tried = what_is_tried(source);
    let result = match tokio::time::timeout(CHECK_TIMEOUT, attempt(source)).await {
        Ok(r) => r,
        Err(_) => Err(Error::new(
            ErrorKind::Unreachable,
            format!("source {}: no answer within {} s while {tried}", source.name, CHECK_TIMEOUT.as_secs()),
        )),
    };
    let (detail, error) = match result {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(e.to_report())),
    };
    ConnectionCheck {
        source: source.name.clone(),
        tried,
        ok: error.is_none(),
        detail,
        error,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

fn what_is_tried(source: &SourceConfig) -> String {
    let uri = || source.uri.as_deref().map(crate::sources::redact_url).unwrap_or_else(|| "(no uri)".into());
    match source.kind {
        SourceKind::IcebergSql => format!("reading iceberg_tables in {}", uri()),
        SourceKind::Hms => format!("listing the metastore's tables in {}", uri()),
        SourceKind::IcebergRest => format!("GET /v1/config from {}", uri()),
        SourceKind::S3Inventory | SourceKind::HdfsImage => {
            format!("reading the newest inventory under {}", source.location.as_deref().unwrap_or("(no location)"))
        }
        SourceKind::Delta | SourceKind::Storage | SourceKind::IcebergFs => {
            format!("listing one object under {}", source.root().unwrap_or("(no location)"))
        }
    }
}

async fn attempt(source: &SourceConfig) -> Result<String> {
    let plural = |n: usize| if n == 1 { "table" } else { "tables" };
    match source.kind {
        SourceKind::IcebergSql => {
            let tables = super::iceberg_sql::list(source).await?;
            Ok(format!("{} {} registered", tables.len(), plural(tables.len())))
        }
        SourceKind::Hms => {
            let (tables, _) = super::hms::list(source).await?;
            Ok(format!("{} {} registered", tables.len(), plural(tables.len())))
        }
        SourceKind::IcebergRest => {
            super::iceberg_rest::ping(source).await?;
            Ok("the server answered its configuration".to_string())
        }
        SourceKind::S3Inventory | SourceKind::HdfsImage => crate::storage::inventory::probe(source).await,
        SourceKind::Delta | SourceKind::Storage | SourceKind::IcebergFs => {
            let root = source.root().ok_or_else(|| {
                Error::invalid(format!("source {} ({:?}) names no `location` or `warehouse` to list", source.name, source.kind))
            })?;
            crate::storage::probe(root, &source.store_options()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_root_answers_and_a_missing_one_is_not_found() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("x"), b"1").unwrap();
        let mut s = SourceConfig::new("files", SourceKind::Storage);
        s.location = Some(d.path().display().to_string());
        let ok = check(&s).await;
        assert!(ok.ok && ok.error.is_none(), "{ok:?}");
        assert!(ok.tried.contains(d.path().to_str().unwrap()), "{}", ok.tried);

        s.location = Some(d.path().join("gone").display().to_string());
        let bad = check(&s).await;
        assert!(!bad.ok);
        let e = bad.error.unwrap();
        assert_eq!(e.kind, ErrorKind::NotFound, "{}", e.message);
        assert!(e.message.contains("gone"), "{}", e.message);

        let ls = Lakescope::new(vec![s], None);
        let e = ls.check_source("nope").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("nope") && e.message.contains("files"), "{}", e.message);
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut s = SourceConfig::new("rest", SourceKind::IcebergRest);
        s.uri = Some(format!("http://127.0.0.1:{port}"));
        let c = check(&s).await;
        let e = c.error.expect("fails");
        assert_eq!(e.kind, ErrorKind::Unreachable, "{}", e.message);
    }
}
