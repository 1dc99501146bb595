//! The facade: the one entry point the CLI, the desktop app and the tests call.
//!
//! It owns the configured sources and a cache of their listings, resolves what a user typed (a table
//! name or a location) to a table, and returns the model types of [`crate::model`]. Nothing here
//! knows about terminals or windows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::RwLock;
use ts_rs::TS;

use crate::catalog::{self, CatalogEntry, SourceListing};
use crate::charts::{ChartOptions, SizeChart};
use crate::demo::{DemoInfo, DemoOptions};
use crate::error::{Error, ErrorReport, Result, ResultExt};
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
    /// The SELECT and CREATE TABLE to copy (see [`crate::snippet`]).
    pub sql: crate::snippet::TableSql,
    /// The Hive Metastore registration, for tables of an `hms` source.
    pub metastore: Option<crate::catalog::hms::MetastoreTable>,
}

/// Where the sources in use came from when the app started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SourcesOrigin {
    /// A sources file named explicitly (`--sources`, `LAKESCOPE_SOURCES`).
    Explicit,
    /// The user's own sources file in the config dir.
    User,
    /// No sources file yet: the demo lakehouse, built or reused on first launch.
    Demo,
}

/// What [`Lakescope::start`] decided, for the app's Settings page and first-launch message.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Startup {
    pub origin: SourcesOrigin,
    pub sources_file: String,
    pub sources: Vec<SourceConfig>,
    /// Where the demo lakehouse lives (or would be built).
    pub demo_dir: String,
    /// The demo build that was made or reused, when the demo is what is in use.
    pub demo: Option<DemoInfo>,
}

/// Inputs of [`Lakescope::start`]: the shells decide where these come from (flags, env, defaults).
#[derive(Debug, Clone)]
pub struct StartupOptions {
    /// An explicitly named sources file; it must exist.
    pub sources: Option<PathBuf>,
    /// The user's sources file, used when it exists.
    pub user_sources: PathBuf,
    /// Where the demo lakehouse is built or reused when neither file is there.
    pub demo_dir: PathBuf,
}

impl Default for StartupOptions {
    fn default() -> Self {
        StartupOptions {
            sources: None,
            user_sources: crate::sources::default_sources_path(),
            demo_dir: crate::sources::default_demo_dir(),
        }
    }
}

pub struct Lakescope {
    sources: Vec<SourceConfig>,
    sources_path: Option<PathBuf>,
    listings: RwLock<Option<Vec<SourceListing>>>,
    /// History per target as last read, so redrawing a chart (theme, width) does not re-read the log.
    histories: RwLock<HashMap<String, Arc<Vec<HistoryRow>>>>,
}

impl Lakescope {
    /// Use the sources listed in a sources file.
    pub fn from_sources_file(path: &Path) -> Result<Self> {
        let file = SourcesFile::load(path)?;
        Ok(Self::new(file.sources, Some(path.to_path_buf())))
    }

    pub fn new(sources: Vec<SourceConfig>, sources_path: Option<PathBuf>) -> Self {
        Lakescope { sources, sources_path, listings: RwLock::new(None), histories: RwLock::new(HashMap::new()) }
    }

    /// Open the sources a desktop user expects with no set-up: an explicit file, else the user's own,
    /// else the demo lakehouse (built on first use, reused afterwards).
    pub async fn start(opts: &StartupOptions) -> Result<(Self, Startup)> {
        let demo_dir = opts.demo_dir.display().to_string();
        let (origin, path, demo) = if let Some(p) = &opts.sources {
            if !p.is_file() {
                return Err(Error::not_found(format!("sources file {} does not exist", p.display())));
            }
            (SourcesOrigin::Explicit, p.clone(), None)
        } else if opts.user_sources.is_file() {
            (SourcesOrigin::User, opts.user_sources.clone(), None)
        } else {
            let build = DemoOptions { dir: opts.demo_dir.clone(), anchor: None, force: false };
            let info = crate::demo::build(&build)
                .await
                .with_context(|| format!("building the demo lakehouse in {demo_dir}"))?;
            (SourcesOrigin::Demo, PathBuf::from(&info.sources_file), Some(info))
        };
        let ls = Self::from_sources_file(&path)?;
        let startup =
            Startup { origin, sources_file: path.display().to_string(), sources: ls.sources.clone(), demo_dir, demo };
        Ok((ls, startup))
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
                .chain(listings.iter().flat_map(|l| {
                    l.table_errors.iter().map(|p| SourceError { source: l.source.clone(), error: p.error.clone() })
                }))
                .collect(),
        }
    }

    /// Forget cached listings so the next call re-reads the catalogs.
    pub async fn refresh(&self) {
        *self.listings.write().await = None;
        self.histories.write().await.clear();
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
            self.apply_registration(&e, &mut info).await;
        }
        Ok(info)
    }

    /// One row per version / snapshot, oldest first.
    pub async fn history(&self, target: &str) -> Result<Vec<HistoryRow>> {
        let (t, _) = self.open(target).await?;
        let rows = t.history().await?;
        self.histories.write().await.insert(target.to_string(), Arc::new(rows.clone()));
        Ok(rows)
    }

    /// The size-over-time chart of a table as SVG, from the history last read for `target`
    /// (read now if it has not been).
    pub async fn size_chart_svg(&self, target: &str, opts: &ChartOptions) -> Result<String> {
        let cached = self.histories.read().await.get(target).cloned();
        let history = match cached {
            Some(h) => h,
            None => Arc::new(self.history(target).await?),
        };
        if !(80..=4000).contains(&opts.width) || !(80..=2000).contains(&opts.height) {
            return Err(Error::invalid(format!(
                "chart size {}x{} is outside 80x80 to 4000x2000 pixels",
                opts.width, opts.height
            )));
        }
        crate::charts::render_svg(&SizeChart { title: "Live data over time", history: &history }, opts)
    }

    /// The table and its history, read from one opened table.
    pub async fn table_page(&self, target: &str, opts: &ReadOptions) -> Result<TablePage> {
        let (t, entry) = self.open(target).await?;
        let (info, history) = tokio::join!(t.info(opts), t.history());
        let mut info = info?;
        let mut metastore = None;
        if let Some(e) = entry {
            info.name = e.table.name.clone();
            info.source = Some(e.table.source.clone());
            info.namespace = Some(e.table.namespace.clone());
            metastore = self.apply_registration(&e, &mut info).await;
        }
        let (history, history_error) = match history {
            Ok(h) => {
                self.histories.write().await.insert(target.to_string(), Arc::new(h.clone()));
                (h, None)
            }
            Err(e) => (Vec::new(), Some(e.to_report())),
        };
        let sql = crate::snippet::table_sql(&info);
        Ok(TablePage { info, history, history_error, sql, metastore })
    }

    /// Resolve what the user typed and open the table.
    pub async fn open(&self, target: &str) -> Result<(Table, Option<CatalogEntry>)> {
        if looks_like_location(target) {
            let loc = crate::storage::open(target, &self.store_options_for(target))?;
            return Ok((table::open(loc).await?, None));
        }
        let entry = self.resolve_name(target).await?;
        let source = self.sources.iter().find(|s| s.name == entry.table.source).expect("entry from a configured source");
        let loc = crate::storage::open(&entry.table.location, &source.store_options())?;
        let t = match (&entry.table.format, &entry.metadata_location) {
            (TableFormat::Iceberg, Some(ml)) => Table::Iceberg(table::iceberg::IcebergTable::open(loc, Some(ml)).await?),
            _ => table::open(loc).await?,
        };
        Ok((t, Some(entry)))
    }

    pub(crate) async fn resolve_name(&self, target: &str) -> Result<CatalogEntry> {
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
                // A registered table that could not be opened: its own error says why.
                let broken = listings.iter().flat_map(|l| l.table_errors.iter().map(move |p| (l, p))).find(|(l, p)| {
                    let full = format!("{}.{}.{}", l.source, p.namespace, p.name);
                    target == p.name || target == format!("{}.{}", p.namespace, p.name) || target == full
                });
                if let Some((_, p)) = broken {
                    return Err(Error::new(p.error.kind, p.error.message.clone()));
                }
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
        Self::spark_apps_cancellable(inputs, prices, &crate::cancel::CancelToken::new()).await
    }

    /// [`Self::spark_apps`], stopped by `cancel` (each input still unread then says Cancelled).
    pub async fn spark_apps_cancellable(inputs: &[String], prices: &crate::spark::Prices, cancel: &crate::cancel::CancelToken) -> SparkApps {
        Self::spark_apps_with(inputs, prices, cancel, &|_| Default::default(), None, None).await
    }

    /// [`Self::spark_apps_cancellable`], decoding only logs `remembered` has not read yet (or that
    /// changed since): a refresh of a large prefix reads what is new. `progress` hears each log start
    /// and end.
    pub async fn spark_apps_remembering(
        inputs: &[String],
        prices: &crate::spark::Prices,
        cancel: &crate::cancel::CancelToken,
        remembered: &std::sync::Arc<crate::spark::ReadLogs>,
        progress: Option<crate::spark::SparkProgressFn>,
    ) -> SparkApps {
        Self::spark_apps_with(inputs, prices, cancel, &|_| Default::default(), Some(remembered), progress).await
    }

    /// [`Self::spark_apps_cancellable`], opening each object-store input with `store_options(input)`.
    pub(crate) async fn spark_apps_with(
        inputs: &[String],
        prices: &crate::spark::Prices,
        cancel: &crate::cancel::CancelToken,
        store_options: &(dyn Fn(&str) -> std::collections::BTreeMap<String, String> + Sync),
        remembered: Option<&std::sync::Arc<crate::spark::ReadLogs>>,
        progress: Option<crate::spark::SparkProgressFn>,
    ) -> SparkApps {
        let mut apps = Vec::new();
        let mut errors = Vec::new();
        for input in inputs {
            match crate::spark::read_input_remembering(input, prices, cancel, &store_options(input), remembered.cloned(), progress.clone()).await {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Int64Array, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};

    use super::*;
    use crate::charts::Theme;
    use crate::error::ErrorKind;

    /// A one-partition Hive-style table written by the parquet crate, and a sources file scanning it.
    fn parquet_lake(dir: &Path) -> PathBuf {
        let part = dir.join("lake/ods.db/events/dt=2026-01-01");
        std::fs::create_dir_all(&part).unwrap();
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![1, 2, 3]))]).unwrap();
        let file = std::fs::File::create(part.join("part-0.parquet")).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let sources = dir.join("sources.toml");
        let root = url::Url::from_file_path(dir.join("lake")).unwrap();
        std::fs::write(&sources, format!("[[source]]\nname = 'lake'\nkind = 'storage'\nlocation = '{root}'\n")).unwrap();
        sources
    }

    /// The desktop app runs facade calls on a multi-threaded runtime, which needs `Send` futures; a
    /// reader whose future is not `Send` breaks the app's build, so pin it here where readers are tested.
    #[test]
    fn facade_futures_are_send_for_the_desktop_app() {
        fn send<T: Send>(_: T) {}
        let ls = Lakescope::new(Vec::new(), None);
        let opts = ReadOptions::default();
        let chart = ChartOptions::default();
        send(Lakescope::start(&StartupOptions::default()));
        send(ls.tables());
        send(ls.table_page("t", &opts));
        send(ls.table("t", &opts));
        send(ls.history("t"));
        send(ls.size_chart_svg("t", &chart));
        send(ls.refresh());
    }

    #[tokio::test]
    async fn start_uses_explicit_then_user_file_and_leaves_the_demo_dir_alone() {
        let d = tempfile::tempdir().unwrap();
        let user = parquet_lake(d.path());
        let demo_dir = d.path().join("demo");
        let opts = StartupOptions { sources: None, user_sources: user.clone(), demo_dir: demo_dir.clone() };
        let (ls, s) = Lakescope::start(&opts).await.unwrap();
        assert_eq!(s.origin, SourcesOrigin::User);
        assert_eq!(s.sources_file, user.display().to_string());
        assert_eq!(s.sources.len(), 1);
        assert!(s.demo.is_none() && !demo_dir.exists(), "a user file means no demo build");
        assert_eq!(ls.tables().await.tables.len(), 1);

        let explicit = StartupOptions { sources: Some(user.clone()), ..opts.clone() };
        assert_eq!(Lakescope::start(&explicit).await.unwrap().1.origin, SourcesOrigin::Explicit);

        let missing = StartupOptions { sources: Some(d.path().join("nope.toml")), ..opts };
        let e = Lakescope::start(&missing).await.err().expect("a missing explicit file is an error");
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("nope.toml"), "{}", e.message);
    }

    #[tokio::test]
    async fn size_chart_reads_history_once_and_rejects_silly_sizes() {
        let d = tempfile::tempdir().unwrap();
        let ls = Lakescope::from_sources_file(&parquet_lake(d.path())).unwrap();
        let page = ls.table_page("lake.ods.events", &ReadOptions::default()).await.unwrap();
        assert_eq!(page.info.current.records, Some(3));
        assert!(ls.histories.read().await.contains_key("lake.ods.events"), "table_page caches history");

        let opts = ChartOptions { width: 640, height: 240, theme: Theme::Dark };
        let svg = ls.size_chart_svg("lake.ods.events", &opts).await.unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("No history"), "Parquet dirs keep no history");

        let e = ls.size_chart_svg("lake.ods.events", &ChartOptions { width: 5, ..opts }).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        let e = ls.size_chart_svg("lake.ods.nope", &opts).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);

        ls.refresh().await;
        assert!(ls.histories.read().await.is_empty(), "refresh forgets cached history");
    }
}
