//! The Spark page's working set: the inputs a user opened (log files, folders, History Servers),
//! remembered across restarts in a small JSON file in the config dir, and what was read from them.
//!
//! Why a separate object rather than more of [`crate::Lakescope`]: the Spark page must work when the
//! catalog sources do not open (a broken sources file says nothing about Spark logs), so it does not
//! hang off the sources-bound facade. Each input is read once and cached, so redrawing a chart (theme,
//! width) or opening an application does not re-read its logs; Refresh forgets the cache.
//!
//! Per-executor "used" figures are computed here with the engine's own rule
//! ([`crate::spark::summary::memory::used_bytes`]) so the UI shows what memory-seconds were computed
//! from, and never re-derives it; an executor without telemetry gets `None`, never 0.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::SparkApps;
use crate::cancel::CancelToken;
use crate::charts::{ChartOptions, MemoryChart};
use crate::error::{Error, ErrorReport, Result, ResultExt};
use crate::model::{AppSummary, ExecutorSummary, MemorySeconds, Peaks, RunsAdvice, Telemetry};
use crate::spark::summary::memory::{driver_tree_is_shared, used_bytes};
use crate::spark::Prices;

/// One opened input and what reading it gave.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SparkInputStatus {
    pub input: String,
    /// Applications read from it.
    pub apps: u32,
    /// The input's own failure, or its logs that could not be read (the others still are).
    pub errors: Vec<ErrorReport>,
}

/// One application as the Spark page's list shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SparkAppRow {
    pub input: String,
    pub app_id: String,
    pub app_name: String,
    pub user: Option<String>,
    #[ts(type = "number | null")]
    pub start_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub completed: bool,
    /// Executors, not counting the driver (in local mode the driver is the only one).
    pub executors: u32,
    /// Largest container one executor asked for (the driver's in local mode).
    #[ts(type = "number")]
    pub allocated_bytes: u64,
    /// Largest peak one of those executors used; null when none has telemetry.
    #[ts(type = "number | null")]
    pub peak_bytes: Option<u64>,
    pub memory: MemorySeconds,
    pub advice: u32,
    pub warnings: u32,
    pub streaming: u32,
}

/// The Spark page: the opened inputs, their applications, and advice across runs of the same name.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SparkOverview {
    /// The file the inputs are remembered in.
    pub inputs_file: String,
    /// Why that file could not be read (the page still works; the next change rewrites it).
    pub inputs_file_error: Option<ErrorReport>,
    pub inputs: Vec<SparkInputStatus>,
    pub apps: Vec<SparkAppRow>,
    pub runs: Vec<RunsAdvice>,
    /// The price profile every dollar above is priced with, and its compute prices.
    pub price_profile: String,
    pub prices: Prices,
}

/// One application's page: the summary, the figures derived by the engine's rules, and its chart.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SparkAppPage {
    pub input: String,
    pub app: AppSummary,
    /// Per executor (same order as `app.executors`): peak bytes used by the memory-seconds rule.
    #[ts(type = "Array<number | null>")]
    pub executor_used_bytes: Vec<Option<u64>>,
    /// Per job (same order as `app.jobs`): the largest used peak over the executors counted for the
    /// list (the driver only in local mode), from the job's stage peaks; null when none was recorded.
    #[ts(type = "Array<number | null>")]
    pub job_peak_bytes: Vec<Option<u64>>,
    /// Per job: the largest JVM heap peak over the same executors.
    #[ts(type = "Array<number | null>")]
    pub job_heap_peak_bytes: Vec<Option<u64>>,
    /// Advice across runs sharing this application's name, when there is more than one run.
    pub runs: Option<RunsAdvice>,
    /// The per-executor memory chart, drawn by the engine (same as `lakescope chart memory`).
    pub chart_svg: String,
    /// Where an exported chart goes unless the user names another place.
    pub export_dir: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct InputsFile {
    inputs: Vec<String>,
}

pub struct SparkWorkspace {
    file: PathBuf,
    /// Every dollar on the page (cost, waste, advice's savings) is priced with these: a price profile's
    /// name and its compute prices.
    pricing: Mutex<(String, Prices)>,
    inputs: Mutex<Vec<String>>,
    file_error: Mutex<Option<ErrorReport>>,
    cache: tokio::sync::Mutex<HashMap<String, Arc<SparkApps>>>,
    /// Every log decoded so far: a refresh decodes only new and changed logs.
    read_logs: Arc<crate::spark::ReadLogs>,
    /// Inputs being read now, each with the token that stops its read (the page's Cancel button).
    loading: Mutex<HashMap<String, CancelToken>>,
    /// Told as each log of an input starts and ends (the app pushes it to the page).
    progress: Mutex<Option<crate::spark::SparkProgressFn>>,
}

/// Where the opened Spark inputs are remembered when no file is named.
pub fn default_inputs_file() -> PathBuf {
    dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("lakescope").join("spark_inputs.json")
}

impl SparkWorkspace {
    /// Open the workspace remembered in `file` (a missing file is an empty list; an unreadable one is
    /// reported in the overview and replaced on the next change).
    /// Dollars use the default price profile until [`Self::use_prices`] names another.
    pub fn open(file: PathBuf) -> Self {
        let (inputs, error) = match load(&file) {
            Ok(list) => (list, None),
            Err(e) => (Vec::new(), Some(e.to_report())),
        };
        SparkWorkspace {
            file,
            pricing: Mutex::new((crate::cost::DEFAULT_PROFILE.to_string(), Prices::default())),
            inputs: Mutex::new(inputs),
            file_error: Mutex::new(error),
            cache: tokio::sync::Mutex::new(HashMap::new()),
            read_logs: Default::default(),
            loading: Mutex::new(HashMap::new()),
            progress: Mutex::new(None),
        }
    }

    /// Price with `profile`'s compute `prices` from now on (the app passes the price profile chosen in
    /// Settings before every read). Summaries carry their dollars, so when the prices change every
    /// remembered read is forgotten and the next overview decodes the logs again; the same prices keep
    /// them.
    pub async fn use_prices(&self, profile: &str, prices: Prices) {
        let changed = match self.pricing.lock() {
            Ok(mut p) => {
                let changed = p.1 != prices;
                *p = (profile.to_string(), prices);
                changed
            }
            Err(_) => false,
        };
        if changed {
            self.cache.lock().await.clear();
            self.read_logs.forget_all();
        }
    }

    fn pricing(&self) -> (String, Prices) {
        self.pricing.lock().map(|p| p.clone()).unwrap_or_else(|_| (crate::cost::DEFAULT_PROFILE.to_string(), Prices::default()))
    }

    fn prices(&self) -> Prices {
        self.pricing().1
    }

    /// Hear every read's progress (each log started and finished) from now on.
    pub fn set_progress(&self, progress: crate::spark::SparkProgressFn) {
        if let Ok(mut p) = self.progress.lock() {
            *p = Some(progress);
        }
    }

    pub fn inputs(&self) -> Vec<String> {
        self.inputs.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Remember an input (a path, an object-store prefix or a History Server URL); already there is fine.
    pub fn add(&self, input: &str) -> Result<()> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::invalid("name a Spark event log file, a folder of logs or a History Server URL"));
        }
        let mut list = self.inputs.lock().map_err(|_| Error::internal("Spark inputs lock poisoned"))?;
        if !list.iter().any(|i| i == input) {
            let mut next = list.clone();
            next.push(input.to_string());
            save(&self.file, &next)?;
            *list = next;
        }
        Ok(())
    }

    /// Forget an input (and what was read from it).
    pub async fn remove(&self, input: &str) -> Result<()> {
        {
            let mut list = self.inputs.lock().map_err(|_| Error::internal("Spark inputs lock poisoned"))?;
            let next: Vec<String> = list.iter().filter(|i| *i != input).cloned().collect();
            if next.len() == list.len() {
                return Err(Error::not_found(format!("{input} is not an opened Spark input")));
            }
            save(&self.file, &next)?;
            *list = next;
        }
        self.cache.lock().await.remove(input);
        Ok(())
    }

    /// Gather the bundled demo logs into `into` (once) and open that folder; returns the input added.
    pub fn add_demo(&self, into: &Path) -> Result<String> {
        let dir = prepare_demo_logs(&bundled_demo_logs(), into)?;
        let input = dir.display().to_string();
        self.add(&input)?;
        Ok(input)
    }

    /// Forget the inputs' listings; the next overview lists every input again and decodes the logs that
    /// are new or changed (the others are answered from what was read).
    pub async fn refresh(&self) {
        self.cache.lock().await.clear();
    }

    async fn read(&self, input: &str) -> Arc<SparkApps> {
        if let Some(got) = self.cache.lock().await.get(input) {
            return got.clone();
        }
        let cancel = CancelToken::new();
        if let Ok(mut l) = self.loading.lock() {
            l.insert(input.to_string(), cancel.clone());
        }
        let progress = self.progress.lock().ok().and_then(|p| p.clone());
        let prices = self.prices();
        let got =
            Arc::new(crate::Lakescope::spark_apps_remembering(&[input.to_string()], &prices, &cancel, &self.read_logs, progress).await);
        if let Ok(mut l) = self.loading.lock() {
            l.remove(input);
        }
        // A cancelled read is remembered like any failure: the input shows "cancelled" (with the
        // applications read before the cancel) until Refresh, which decodes only the logs not read yet.
        // Prices changed during the read: its dollars are stale, so it answers this call only.
        if self.prices() == prices {
            self.cache.lock().await.insert(input.to_string(), got.clone());
        }
        got
    }

    /// (logs decoded, logs answered from what was read) since the workspace opened.
    pub fn read_counts(&self) -> (u64, u64) {
        self.read_logs.counts()
    }

    /// Inputs being read right now.
    pub fn loading(&self) -> Vec<String> {
        let mut l: Vec<String> = self.loading.lock().map(|l| l.keys().cloned().collect()).unwrap_or_default();
        l.sort();
        l
    }

    /// Stop reading `input` (every input being read, when `None`); how many reads were stopped. The
    /// stopped reads end at once with a Cancelled error on their input.
    pub fn cancel(&self, input: Option<&str>) -> usize {
        let Ok(l) = self.loading.lock() else { return 0 };
        let mut n = 0;
        for (i, token) in l.iter() {
            if input.is_none_or(|x| x == i) {
                token.cancel();
                n += 1;
            }
        }
        n
    }

    /// Every opened input with its applications and errors.
    pub async fn overview(&self) -> SparkOverview {
        let mut inputs = Vec::new();
        let mut apps = Vec::new();
        let mut all: Vec<AppSummary> = Vec::new();
        for input in self.inputs() {
            let got = self.read(&input).await;
            inputs.push(SparkInputStatus {
                input: input.clone(),
                apps: got.apps.len() as u32,
                errors: got.errors.iter().map(|e| e.error.clone()).collect(),
            });
            apps.extend(got.apps.iter().map(|a| row(&input, a)));
            all.extend(got.apps.iter().cloned());
        }
        let (price_profile, prices) = self.pricing();
        let runs = crate::spark::summary::advice::across_runs(&all, &prices);
        SparkOverview {
            inputs_file: self.file.display().to_string(),
            inputs_file_error: self.file_error.lock().ok().and_then(|e| e.clone()),
            inputs,
            apps,
            runs,
            price_profile,
            prices,
        }
    }

    /// One application of an opened input.
    pub async fn app(&self, input: &str, app_id: &str) -> Result<AppSummary> {
        if !self.inputs().iter().any(|i| i == input) {
            return Err(Error::not_found(format!("{input} is not an opened Spark input")));
        }
        let got = self.read(input).await;
        got.apps
            .iter()
            .find(|a| a.app_id == app_id)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("no application {app_id:?} in {input}")))
    }

    /// An application's page with its chart drawn at `opts`.
    pub async fn app_page(&self, input: &str, app_id: &str, opts: &ChartOptions) -> Result<SparkAppPage> {
        check_size(opts)?;
        let app = self.app(input, app_id).await?;
        let mut same_name = Vec::new();
        for i in self.inputs() {
            let got = self.read(&i).await;
            same_name.extend(got.apps.iter().filter(|a| a.app_name == app.app_name).cloned());
        }
        let runs = crate::spark::summary::advice::across_runs(&same_name, &self.prices()).into_iter().find(|r| r.runs > 1);
        let shared = driver_tree_is_shared(app.master.as_deref());
        let executor_used_bytes = app.executors.iter().map(|x| known_used(x, x.peak.as_ref(), shared)).collect();
        let counted: Vec<&ExecutorSummary> = counted(&app).collect();
        let job_max = |f: &dyn Fn(&ExecutorSummary, &Peaks) -> Option<u64>, job: &crate::model::JobSummary| {
            counted.iter().filter_map(|x| job.peak_by_executor.get(&x.id).and_then(|p| f(x, p))).max()
        };
        let used = |x: &ExecutorSummary, p: &Peaks| known_used(x, Some(p), shared);
        let heap = |x: &ExecutorSummary, p: &Peaks| known_used(x, Some(p), shared).map(|_| p.get(crate::model::metric::JVM_HEAP));
        let job_peak_bytes = app.jobs.iter().map(|j| job_max(&used, j)).collect();
        let job_heap_peak_bytes = app.jobs.iter().map(|j| job_max(&heap, j)).collect();
        let chart_svg = crate::charts::render_svg(&MemoryChart { app: &app }, opts)?;
        Ok(SparkAppPage {
            input: input.to_string(),
            executor_used_bytes,
            job_peak_bytes,
            job_heap_peak_bytes,
            runs,
            chart_svg,
            export_dir: default_export_dir().display().to_string(),
            app,
        })
    }

    /// Write an application's memory chart to `path` (`.svg` or `.png`, by its extension). An existing
    /// file is never replaced: exports must not clobber what the user already has.
    pub async fn export_chart(&self, input: &str, app_id: &str, opts: &ChartOptions, path: &Path) -> Result<String> {
        check_size(opts)?;
        if !path.is_absolute() {
            return Err(Error::invalid(format!("{}: give the full path of the file to write", path.display())));
        }
        let app = self.app(input, app_id).await?;
        let bytes = crate::charts::render_for_path(&MemoryChart { app: &app }, opts, path)?;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::invalid(format!("{} already exists; choose another name", path.display()))
            } else {
                Error::from(e).context(format!("creating {}", path.display()))
            }
        })?;
        std::io::Write::write_all(&mut file, &bytes).with_context(|| format!("writing {}", path.display()))?;
        Ok(path.display().to_string())
    }
}

fn check_size(opts: &ChartOptions) -> Result<()> {
    if !(80..=4000).contains(&opts.width) || !(80..=2000).contains(&opts.height) {
        return Err(Error::invalid(format!("chart size {}x{} is outside 80x80 to 4000x2000 pixels", opts.width, opts.height)));
    }
    Ok(())
}

/// The executors an application's "per executor" figures are about: the executors, or the driver when
/// it is the only one (local mode).
fn counted(app: &AppSummary) -> impl Iterator<Item = &ExecutorSummary> {
    let only_driver = app.executors.iter().all(|x| x.is_driver);
    app.executors.iter().filter(move |x| only_driver || !x.is_driver)
}

/// Peak bytes used by the memory-seconds rule, or None where Spark measured nothing.
fn known_used(x: &ExecutorSummary, peak: Option<&Peaks>, shared_driver_tree: bool) -> Option<u64> {
    let p = peak.filter(|p| p.is_set() && !p.all_zero() && x.telemetry != Telemetry::None)?;
    Some(used_bytes(p, x.is_driver && shared_driver_tree))
}

fn row(input: &str, a: &AppSummary) -> SparkAppRow {
    let shared = driver_tree_is_shared(a.master.as_deref());
    SparkAppRow {
        input: input.to_string(),
        app_id: a.app_id.clone(),
        app_name: a.app_name.clone(),
        user: a.user.clone(),
        start_ms: a.start_ms,
        end_ms: a.end_ms,
        completed: a.completed,
        executors: a.executors.iter().filter(|x| !x.is_driver).count() as u32,
        allocated_bytes: counted(a).map(|x| x.allocated.total_bytes).max().unwrap_or(0),
        peak_bytes: counted(a).filter_map(|x| known_used(x, x.peak.as_ref(), shared)).max(),
        memory: a.memory,
        advice: a.advice.len() as u32,
        warnings: a.warnings.len() as u32,
        streaming: a.streaming.len() as u32,
    }
}

/// Where the app gathers the demo logs: the user's data dir, beside the demo lakehouse.
pub fn default_demo_logs_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("lakescope").join("spark-demo-logs")
}

/// The user's downloads folder, else home, else the temp dir.
pub fn default_export_dir() -> PathBuf {
    dirs::download_dir().or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir)
}

fn load(file: &Path) -> Result<Vec<String>> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::from(e).context(format!("reading {}", file.display()))),
    };
    let parsed: InputsFile = serde_json::from_str(&text)
        .map_err(|e| Error::corrupt(format!("{}: not a Spark inputs file ({e})", file.display())))?;
    Ok(parsed.inputs)
}

/// Write through a temporary file and rename, so a crash never leaves half a list.
fn save(file: &Path, inputs: &[String]) -> Result<()> {
    let dir = file.parent().ok_or_else(|| Error::invalid(format!("{}: no parent directory", file.display())))?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let text = serde_json::to_string_pretty(&InputsFile { inputs: inputs.to_vec() })
        .map_err(|e| Error::internal(format!("encoding the Spark inputs: {e}")))?;
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, file).with_context(|| format!("replacing {}", file.display()))?;
    Ok(())
}

/// The bundled demo logs (`assets/spark/logs`), gathered into one folder as Spark itself lays logs out.
///
/// The fixtures are grouped by what they show (one subfolder each, plus `many_apps`, which repeats
/// others); Spark's log directory is flat. Copying them once (about 2 MB) into `into` gives a folder the
/// ordinary directory reader lists, so the demo takes the same code path as a user's folder.
pub fn prepare_demo_logs(bundled: &Path, into: &Path) -> Result<PathBuf> {
    if !bundled.is_dir() {
        return Err(Error::not_found(format!("the bundled Spark demo logs are not at {}", bundled.display())));
    }
    let tmp = into.with_extension("partial");
    let _ = std::fs::remove_dir_all(&tmp);
    if into.is_dir() {
        return Ok(into.to_path_buf());
    }
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut groups: Vec<PathBuf> = std::fs::read_dir(bundled)
        .with_context(|| format!("listing {}", bundled.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "many_apps"))
        .collect();
    groups.sort();
    for group in groups {
        for entry in std::fs::read_dir(&group).with_context(|| format!("listing {}", group.display()))? {
            let from = entry.with_context(|| format!("listing {}", group.display()))?.path();
            let Some(name) = from.file_name() else { continue };
            let to = tmp.join(name);
            if !to.exists() {
                copy_tree(&from, &to)?;
            }
        }
    }
    std::fs::rename(&tmp, into).with_context(|| format!("moving the demo logs into {}", into.display()))?;
    Ok(into.to_path_buf())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
        for e in std::fs::read_dir(from).with_context(|| format!("listing {}", from.display()))? {
            let p = e.with_context(|| format!("listing {}", from.display()))?.path();
            if let Some(name) = p.file_name() {
                copy_tree(&p, &to.join(name))?;
            }
        }
        Ok(())
    } else {
        std::fs::copy(from, to).with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
        Ok(())
    }
}

/// Where the repository's demo logs are when running from a checkout (the app and tests do); a packaged
/// app names them with `LAKESCOPE_SPARK_DEMO_LOGS`.
pub fn bundled_demo_logs() -> PathBuf {
    match std::env::var_os("LAKESCOPE_SPARK_DEMO_LOGS").filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/spark/logs"),
    }
}

#[cfg(test)]
#[path = "workspace_tests.rs"]
mod tests;
