//! The facade: the one entry point the CLI, the desktop app and the tests call.
//!
//! It owns the configured sources and a cache of their listings, resolves what a user typed (a table
//! name or a location) to a table, and returns the model types of [`crate::model`]. Nothing here
//! knows about terminals or windows.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tokio::sync::RwLock;
use ts_rs::TS;

use crate::catalog::{self, CatalogEntry, SourceListing};
use crate::error::{Error, ErrorReport, Result};
use crate::model::{HistoryRow, TableFormat, TableInfo, TableRef};
use crate::sources::{SourceConfig, SourcesFile};
use crate::table::{self, ReadOptions, Table};

/// All tables of all sources, and the sources that could not be listed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TableListing {
    pub tables: Vec<TableRef>,
    pub errors: Vec<SourceError>,
}

/// A source that failed to list, and why.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SourceError {
    pub source: String,
    pub error: ErrorReport,
}

/// A table page together with its history (what the app shows when a table is opened).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TablePage {
    pub info: TableInfo,
    pub history: Vec<HistoryRow>,
    /// The history error, if history could not be read while the table itself could.
    pub history_error: Option<ErrorReport>,
}

pub struct Lakescope {
    sources: Vec<SourceConfig>,
    sources_path: Option<PathBuf>,
    listings: RwLock<Option<Vec<SourceListing>>>,
}

impl Lakescope {
    /// Use the sources listed in a sources file.
    pub fn from_sources_file(path: &Path) -> Result<Self> {
        let file = SourcesFile::load(path)?;
        Ok(Self::new(file.sources, Some(path.to_path_buf())))
    }

    pub fn new(sources: Vec<SourceConfig>, sources_path: Option<PathBuf>) -> Self {
        Lakescope { sources, sources_path, listings: RwLock::new(None) }
    }

    pub fn sources(&self) -> &[SourceConfig] {
        &self.sources
    }

    pub fn sources_path(&self) -> Option<&Path> {
        self.sources_path.as_deref()
    }

    /// List every table of every source (cached after the first call; see [`Self::refresh`]).
    pub async fn tables(&self) -> TableListing {
        let listings = self.listings().await;
        TableListing {
            tables: listings.iter().flat_map(|l| l.tables.iter().map(|e| e.table.clone())).collect(),
            errors: listings
                .iter()
                .filter_map(|l| l.error.clone().map(|error| SourceError { source: l.source.clone(), error }))
                .collect(),
        }
    }

    /// Forget cached listings so the next call re-reads the catalogs.
    pub async fn refresh(&self) {
        *self.listings.write().await = None;
    }

    async fn listings(&self) -> Vec<SourceListing> {
        if let Some(l) = self.listings.read().await.as_ref() {
            return l.clone();
        }
        let fresh = catalog::list_all(&self.sources).await;
        *self.listings.write().await = Some(fresh.clone());
        fresh
    }

    /// Read a table's page, by name (`source.namespace.name`, `namespace.name`, `name`) or location.
    pub async fn table(&self, target: &str, opts: &ReadOptions) -> Result<TableInfo> {
        let (t, entry) = self.open(target).await?;
        let mut info = t.info(opts).await?;
        if let Some(e) = entry {
            info.name = e.table.name.clone();
            info.source = Some(e.table.source.clone());
            info.namespace = Some(e.table.namespace.clone());
        }
        Ok(info)
    }

    /// One row per version / snapshot, oldest first.
    pub async fn history(&self, target: &str) -> Result<Vec<HistoryRow>> {
        let (t, _) = self.open(target).await?;
        t.history().await
    }

    /// The table and its history, read from one opened table.
    pub async fn table_page(&self, target: &str, opts: &ReadOptions) -> Result<TablePage> {
        let (t, entry) = self.open(target).await?;
        let (info, history) = tokio::join!(t.info(opts), t.history());
        let mut info = info?;
        if let Some(e) = entry {
            info.name = e.table.name.clone();
            info.source = Some(e.table.source.clone());
            info.namespace = Some(e.table.namespace.clone());
        }
        let (history, history_error) = match history {
            Ok(h) => (h, None),
            Err(e) => (Vec::new(), Some(e.to_report())),
        };
        Ok(TablePage { info, history, history_error })
    }

    /// Resolve what the user typed and open the table.
    pub async fn open(&self, target: &str) -> Result<(Table, Option<CatalogEntry>)> {
        if looks_like_location(target) {
            let loc = crate::storage::open(target, &Default::default())?;
            return Ok((table::open(loc).await?, None));
        }
        let entry = self.resolve_name(target).await?;
        let source = self.sources.iter().find(|s| s.name == entry.table.source).expect("entry from a configured source");
        let loc = crate::storage::open(&entry.table.location, &source.options)?;
        let t = match (&entry.table.format, &entry.metadata_location) {
            (TableFormat::Iceberg, Some(ml)) => Table::Iceberg(table::iceberg::IcebergTable::open(loc, Some(ml)).await?),
            _ => table::open(loc).await?,
        };
        Ok((t, Some(entry)))
    }

    async fn resolve_name(&self, target: &str) -> Result<CatalogEntry> {
        let listings = self.listings().await;
        let all: Vec<&CatalogEntry> = listings.iter().flat_map(|l| l.tables.iter()).collect();
        let parts: Vec<&str> = target.split('.').collect();
        let matches: Vec<&&CatalogEntry> = all
            .iter()
            .filter(|e| {
                let t = &e.table;
                match parts.as_slice() {
                    [name] => t.name == *name,
                    [ns, name] => t.namespace == *ns && t.name == *name,
                    [src, rest @ ..] if t.source == *src && format!("{}.{}", t.namespace, t.name) == rest.join(".") => true,
                    _ => format!("{}.{}", t.namespace, t.name) == target,
                }
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok((**one).clone()),
            [] => {
                let failed: Vec<String> = listings.iter().filter(|l| l.error.is_some()).map(|l| l.source.clone()).collect();
                let mut msg = format!("no table named {target:?} in {} source(s)", self.sources.len());
                if !failed.is_empty() {
                    msg.push_str(&format!(" (could not list: {})", failed.join(", ")));
                }
                Err(Error::not_found(msg))
            }
            many => Err(Error::invalid(format!(
                "{target:?} is ambiguous; did you mean {}",
                many.iter().map(|e| e.table.qualified_name()).collect::<Vec<_>>().join(" or ")
            ))),
        }
    }
}

/// A target is a location when it has a URL scheme, is path-like, or exists on disk.
fn looks_like_location(target: &str) -> bool {
    target.contains("://")
        || target.starts_with('/')
        || target.starts_with("./")
        || target.starts_with("../")
        || target.starts_with('~')
        || Path::new(target).exists()
}

// ---- Spark memory (crate::spark) --------------------------------------------------------------------
// Kept in one block: the Spark page and `lakescope spark` call only these.

/// Spark applications read from files, directories, object-store prefixes or History Servers.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SparkApps {
    pub apps: Vec<crate::model::AppSummary>,
    /// Inputs, or single logs inside a directory, that could not be read (the others still are).
    pub errors: Vec<crate::model::SparkInputError>,
    /// Advice across runs of the same application name.
    pub runs: Vec<crate::model::RunsAdvice>,
}

impl Lakescope {
    /// Read every application under each input (`/logs`, `s3://b/logs`, `…/eventlog_v2_app-1`,
    /// `http://history-server:18080`). Per-input and per-log errors are kept beside the applications.
    pub async fn spark_apps(inputs: &[String], prices: &crate::spark::Prices) -> SparkApps {
        let mut apps = Vec::new();
        let mut errors = Vec::new();
        for input in inputs {
            match crate::spark::read_input(input, prices).await {
                Ok(results) => {
                    for r in results {
                        match r {
                            Ok(a) => apps.push(a),
                            Err(e) => errors.push(crate::model::SparkInputError { input: input.clone(), error: e.to_report() }),
                        }
                    }
                }
                Err(e) => errors.push(crate::model::SparkInputError { input: input.clone(), error: e.to_report() }),
            }
        }
        let runs = crate::spark::summary::advice::across_runs(&apps, prices);
        SparkApps { apps, errors, runs }
    }

    /// One application by id (or the only one) under an input, for its page and chart.
    pub async fn spark_app(input: &str, app_id: Option<&str>, prices: &crate::spark::Prices) -> Result<crate::model::AppSummary> {
        let got = Self::spark_apps(&[input.to_string()], prices).await;
        let mut matching: Vec<crate::model::AppSummary> =
            got.apps.into_iter().filter(|a| app_id.is_none_or(|id| a.app_id == id)).collect();
        match (matching.len(), app_id) {
            (1, _) => Ok(matching.remove(0)),
            (0, _) if !got.errors.is_empty() => {
                let e = &got.errors[0].error;
                Err(Error::new(e.kind, e.message.clone()))
            }
            (0, Some(id)) => Err(Error::not_found(format!("no application {id:?} in {input}"))),
            (0, None) => Err(Error::not_found(format!("no Spark application in {input}"))),
            (n, _) => Err(Error::invalid(format!(
                "{input} holds {n} applications; pick one with --app ({})",
                matching.iter().map(|a| a.app_id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}
