//! Iceberg REST catalogs, read through the spec's read-only endpoints with the reqwest already in the
//! tree (reading takes four GETs, so no catalog crate with write paths and its own dependencies):
//! `GET /v1/config` (for the server's path prefix), `GET …/namespaces` (nested ones via `parent`),
//! `GET …/namespaces/{ns}/tables`, and `GET …/tables/{t}` for each table's `metadata-location`, which
//! the existing metadata reader then opens like any other. Lakescope never sends a write request.
//!
//! Loading each table costs one request, made a few at a time; a table the server cannot load becomes
//! a per-table problem and the others still list. A bearer token comes from the OS keychain for a
//! `credentials = "keychain"` source (field `token`), else from the environment variable the source names
//! (`token_env`); it never reaches a message, the store or a log.

use std::time::Duration;

use futures::stream::{self, StreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::CatalogEntry;
use super::hms::TableProblem;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{TableFormat, TableRef};
use crate::sources::{SourceConfig, redact_url};

/// Tables loaded at once while listing: enough to hide latency, few enough not to flood a server.
const LOADS_IN_FLIGHT: usize = 8;
/// Pages followed per listing; a server that keeps answering with a page token is broken.
const MAX_PAGES: usize = 10_000;

#[derive(Deserialize, Default)]
struct ConfigResponse {
    #[serde(default)]
    defaults: std::collections::HashMap<String, String>,
    #[serde(default)]
    overrides: std::collections::HashMap<String, String>,
}

#[derive(Deserialize)]
struct NamespacesPage {
    #[serde(default)]
    namespaces: Vec<Vec<String>>,
    #[serde(default, rename = "next-page-token")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct Identifier {
    namespace: Vec<String>,
    name: String,
}

#[derive(Deserialize)]
struct TablesPage {
    #[serde(default)]
    identifiers: Vec<Identifier>,
    #[serde(default, rename = "next-page-token")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct LoadTableResult {
    #[serde(rename = "metadata-location")]
    metadata_location: Option<String>,
    metadata: TableLocation,
}

/// The only part of the loaded metadata the listing needs; the table reader parses the file itself.
#[derive(Deserialize)]
struct TableLocation {
    location: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorModel,
}

#[derive(Deserialize)]
struct ErrorModel {
    #[serde(default)]
    message: String,
}

/// A connected catalog: the base URL with the server's prefix, and the bearer token if any.
struct Rest {
    http: reqwest::Client,
    /// `{uri}/v1` or `{uri}/v1/{prefix}`.
    api: String,
    shown: String,
    token: Option<String>,
}

/// Percent-encode one path segment (RFC 3986 unreserved characters stay as they are).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A multi-level namespace in a URL: levels joined by the unit separator (0x1F), as the spec says.
fn encode_namespace(levels: &[String]) -> String {
    encode(&levels.join("\u{1f}"))
}

fn env_value(var: &str, what: &str) -> Result<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::new(ErrorKind::Auth, format!("the {what} is to come from environment variable {var}, which is not set"))),
    }
}

impl Rest {
    async fn connect(source: &SourceConfig) -> Result<Rest> {
        let uri = source.uri.as_deref().ok_or_else(|| Error::invalid("an iceberg-rest source needs `uri` (the server's base URL)"))?;
        let shown = redact_url(uri);
        let parsed = url::Url::parse(uri).map_err(|e| Error::invalid(format!("REST catalog URI {shown}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::invalid(format!("REST catalog URI {shown} must start with http:// or https://")));
        }
        let base = uri.trim_end_matches('/').to_string();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| Error::internal(format!("HTTP client: {e}")))?;
        let mut rest = Rest { http, api: format!("{base}/v1"), shown, token: None };
        if let Some(token) = crate::credentials::rest_token(source)? {
            rest.token = Some(token.expose().to_string());
        } else if let Some(var) = &source.token_env {
            rest.token = Some(env_value(var, "REST catalog token")?);
        }
        let mut query = Vec::new();
        if let Some(w) = &source.warehouse {
            query.push(("warehouse", w.as_str()));
        }
        let config: ConfigResponse = rest.get("/config", &query).await?;
        // The server's prefix wins; servers that announce none (Lakana takes its environment name) are
        // given one with the source's `catalog`, as pyiceberg's `prefix` property does.
        let prefix = config.overrides.get("prefix").or_else(|| config.defaults.get("prefix")).or(source.catalog.as_ref());
        if let Some(p) = prefix.filter(|p| !p.is_empty()) {
            rest.api = format!("{}/{}", rest.api, p.trim_matches('/'));
        }
        Ok(rest)
    }

    fn transport(&self, method: &str, path: &str, e: reqwest::Error) -> Error {
        let kind = if e.is_connect() || e.is_timeout() { ErrorKind::Unreachable } else { ErrorKind::Io };
        // reqwest's message names the URL; it never holds the token, which travels in a header.
        Error::new(kind, format!("REST catalog {}: {method} {path}: {e}", self.shown))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        let url = format!("{}{path}", self.api);
        let mut req = self.http.get(&url).query(query);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| self.transport("GET", path, e))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| self.transport("GET", path, e))?;
        if !status.is_success() {
            let said = serde_json::from_slice::<ErrorBody>(&body).map(|b| b.error.message).unwrap_or_default();
            let kind = match status.as_u16() {
                401 | 419 => ErrorKind::Auth,
                403 => ErrorKind::Permission,
                404 => ErrorKind::NotFound,
                503 | 504 => ErrorKind::Unreachable,
                _ => ErrorKind::Io,
            };
            let said = if said.is_empty() { String::new() } else { format!(" ({said})") };
            return Err(Error::new(kind, format!("REST catalog {}: GET {path}: HTTP {status}{said}", self.shown)));
        }
        serde_json::from_slice(&body)
            .map_err(|e| Error::corrupt(format!("REST catalog {}: GET {path} did not answer the spec's JSON: {e}", self.shown)))
    }

    /// Every namespace, nested ones included (asked level by level with `parent`).
    async fn namespaces(&self) -> Result<Vec<Vec<String>>> {
        let mut found: Vec<Vec<String>> = Vec::new();
        let mut queue: Vec<Option<Vec<String>>> = vec![None];
        while let Some(parent) = queue.pop() {
            let mut token: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let parent_q = parent.as_ref().map(|p| p.join("\u{1f}"));
                let mut q: Vec<(&str, &str)> = Vec::new();
                if let Some(p) = &parent_q {
                    q.push(("parent", p));
                }
                if let Some(t) = &token {
                    q.push(("pageToken", t));
                }
                let page: NamespacesPage = self.get("/namespaces", &q).await?;
                for ns in page.namespaces {
                    // A server that ignores `parent` answers the top level again: only true children count.
                    let child = parent.as_ref().is_none_or(|p| ns.len() > p.len() && ns.starts_with(p));
                    if child && !ns.is_empty() && !found.contains(&ns) {
                        queue.push(Some(ns.clone()));
                        found.push(ns);
                    }
                }
                token = page.next_page_token.filter(|t| !t.is_empty());
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(found)
    }

    async fn tables(&self, ns: &[String]) -> Result<Vec<Identifier>> {
        let path = format!("/namespaces/{}/tables", encode_namespace(ns));
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let q: Vec<(&str, &str)> = token.as_deref().map(|t| vec![("pageToken", t)]).unwrap_or_default();
            let page: TablesPage = self.get(&path, &q).await?;
            out.extend(page.identifiers);
            token = page.next_page_token.filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    async fn load(&self, id: &Identifier) -> Result<LoadTableResult> {
        let path = format!("/namespaces/{}/tables/{}", encode_namespace(&id.namespace), encode(&id.name));
        self.get(&path, &[]).await
    }
}

/// Ask the server for its configuration (`GET /v1/config`, with the token if any): the cheapest call
/// that proves it answers and accepts us (the sources UI's "test connection").
pub(super) async fn ping(source: &SourceConfig) -> Result<()> {
    Rest::connect(source).await.map(|_| ())
}

/// List the catalog's tables with each one's current metadata file, and the tables it cannot load.
pub async fn list(source: &SourceConfig) -> Result<(Vec<CatalogEntry>, Vec<TableProblem>)> {
    let rest = Rest::connect(source).await?;
    let mut ids = Vec::new();
    for ns in rest.namespaces().await? {
        ids.extend(rest.tables(&ns).await?);
    }
    let rest = &rest;
    let loaded: Vec<(Identifier, Result<LoadTableResult>)> =
        stream::iter(ids).map(|id| async move { let r = rest.load(&id).await; (id, r) }).buffer_unordered(LOADS_IN_FLIGHT).collect().await;
    let (mut tables, mut problems) = (Vec::new(), Vec::new());
    for (id, result) in loaded {
        let namespace = id.namespace.join(".");
        match result {
            Ok(LoadTableResult { metadata_location: Some(ml), metadata }) => tables.push(CatalogEntry {
                table: TableRef {
                    source: source.name.clone(),
                    namespace,
                    name: id.name,
                    format: TableFormat::Iceberg,
                    location: metadata.location.trim_end_matches('/').to_string(),
                },
                metadata_location: Some(ml),
            }),
            Ok(LoadTableResult { metadata_location: None, .. }) => problems.push(TableProblem {
                error: Error::unsupported(format!(
                    "REST catalog {}: table {namespace}.{} has no metadata-location (staged or not yet committed)",
                    rest.shown, id.name
                ))
                .to_report(),
                namespace,
                name: id.name,
            }),
            Err(e) => problems.push(TableProblem { namespace, name: id.name, error: e.to_report() }),
        }
    }
    Ok((tables, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_joined_by_the_unit_separator_and_escaped() {
        assert_eq!(encode_namespace(&["ods".into()]), "ods");
        assert_eq!(encode_namespace(&["a".into(), "b c".into()]), "a%1Fb%20c");
        assert_eq!(encode("t/x?y"), "t%2Fx%3Fy");
    }

    #[tokio::test]
    async fn a_missing_token_variable_is_an_auth_error_naming_the_variable() {
        let src = SourceConfig {
            name: "r".into(),
            kind: crate::sources::SourceKind::IcebergRest,
            uri: Some("http://127.0.0.1:9".into()),
            token_env: Some("LAKESCOPE_TEST_SURELY_UNSET_TOKEN".into()),
            credentials: None,
            ..SourceConfig::new("r", crate::sources::SourceKind::IcebergRest)
        };
        let Err(e) = list(&src).await else { panic!("no token") };
        assert_eq!(e.kind, ErrorKind::Auth);
        assert!(e.message.contains("LAKESCOPE_TEST_SURELY_UNSET_TOKEN"), "{}", e.message);
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable() {
        let src = SourceConfig { name: "r".into(), kind: crate::sources::SourceKind::IcebergRest, uri: Some("http://127.0.0.1:9".into()), ..SourceConfig::new("r", crate::sources::SourceKind::IcebergRest) };
        let Err(e) = list(&src).await else { panic!("nothing listens on port 9") };
        assert_eq!(e.kind, ErrorKind::Unreachable, "{}", e.message);
        assert!(e.message.contains("127.0.0.1:9"), "{}", e.message);
    }
}
