//! Spark and PySpark memory: what each executor and the driver were given against what they used, per
//! application, job and stage, priced and turned into advice — from event logs (files, rolled
//! directories, directories of many applications, S3/GCS/Azure prefixes) or a live History Server.
//!
//! The numbers are Spark's own: executor peaks are replayed from the log by the History Server's rules
//! so that `peak` equals its `peakMemoryMetrics` (see [`summary`]). Logs are streamed through a
//! fixed-size decoder ([`codec`], [`events`]): memory does not grow with a log's size.

pub mod codec;
pub mod cost;
pub mod events;
pub mod history_server;
pub mod progress;
pub mod remembered;
pub mod source;
pub mod summary;
pub mod workspace;

use std::sync::Arc;
use std::time::Instant;

use crate::cancel::CancelToken;
use crate::error::{Error, Result, ResultExt};
use crate::model::AppSummary;

pub use cost::Prices;
pub use progress::{SparkProgressFn, SparkReadProgress};
pub use remembered::ReadLogs;
pub use summary::Summarizer;

/// Remote logs being fetched and decoded at once: each worker mostly waits on ranged GETs, so more
/// than the cores, but bounded (a prefix of thousands of logs must not open thousands of requests).
const REMOTE_READS: usize = 8;

/// Read one application's log (all its files, in order) into a summary. Blocking: call it from a
/// blocking thread (remote files are fetched through the current tokio runtime).
pub fn summarize_entry(entry: &source::LogEntry, prices: &Prices) -> Result<AppSummary> {
    let mut s = Summarizer::new(entry.display.clone());
    for f in &entry.files {
        let input = f.open()?;
        s.feed(input, &f.name).with_context(|| format!("reading {}", entry.display))?;
    }
    s.finish(prices)
}

/// Whether an input names a History Server rather than logs.
pub fn is_history_server(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

/// Every application under one input: each log is its own result, so one broken log does not hide the
/// others. A History Server URL is read through its REST API.
pub async fn read_input(input: &str, prices: &Prices) -> Result<Vec<Result<AppSummary>>> {
    read_input_cancellable(input, prices, &CancelToken::new()).await
}

/// [`read_input`], stopped by `cancel`: during a History Server request or a listing, and between logs
/// (a log being decoded is finished first; each is bounded in memory and time by its size).
pub async fn read_input_cancellable(input: &str, prices: &Prices, cancel: &CancelToken) -> Result<Vec<Result<AppSummary>>> {
    read_input_with(input, prices, cancel, &Default::default()).await
}

/// [`read_input_cancellable`] with store options for an object-store prefix (see [`source::discover_with`]).
pub async fn read_input_with(
    input: &str,
    prices: &Prices,
    cancel: &CancelToken,
    store_options: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<Result<AppSummary>>> {
    read_input_remembering(input, prices, cancel, store_options, None, None).await
}

/// [`read_input_with`], answering the logs `remembered` has read before (unchanged since) without
/// decoding them again, and remembering the ones it decodes. `remembered` must only ever be used with
/// the same `prices` (summaries carry dollars). `progress` hears each log start and end.
///
/// A cancelled read of logs keeps what it read: the applications decoded before the cancel come back,
/// followed by a Cancelled error that says how many of how many logs were read.
pub async fn read_input_remembering(
    input: &str,
    prices: &Prices,
    cancel: &CancelToken,
    store_options: &std::collections::BTreeMap<String, String>,
    remembered: Option<Arc<ReadLogs>>,
    progress: Option<SparkProgressFn>,
) -> Result<Vec<Result<AppSummary>>> {
    if is_history_server(input) {
        return history_server::read(input, prices, cancel).await;
    }
    let stopped = || crate::cancel::cancelled(format!("reading {input}"));
    let entries = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(stopped()),
        entries = source::discover_with(input, store_options) => entries?,
    };
    let mut out = Vec::with_capacity(entries.len());
    let mut todo = Vec::new();
    let (total, mut known_bytes) = (entries.len(), 0);
    for (i, entry) in entries.into_iter().enumerate() {
        match remembered.as_ref().and_then(|r| r.get(&entry)) {
            Some(app) => {
                known_bytes += entry.compressed_bytes();
                out.push((i, Ok(app)));
            }
            None => todo.push((i, entry)),
        }
    }
    let tracker = progress::Tracker::new(input, progress);
    tracker.listed(total, out.len(), known_bytes);
    // Applications are independent: summarise them side by side (each in bounded memory), keep order.
    // Local logs keep a core busy each; remote ones mostly wait on the network.
    let prices = *prices;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let remote = todo.iter().any(|(_, e)| e.files.iter().any(|f| f.location.local_path().is_none()));
    let workers = if remote { cores.max(REMOTE_READS) } else { cores }.min(todo.len().max(1));
    let queue = Arc::new(std::sync::Mutex::new(todo));
    let mut tasks = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (queue, handle, cancel, remembered) = (queue.clone(), tokio::runtime::Handle::current(), cancel.clone(), remembered.clone());
        let tracker = tracker.clone();
        tasks.push(tokio::task::spawn_blocking(move || {
            let _guard = handle.enter();
            let mut done = Vec::new();
            while !cancel.is_cancelled() {
                let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                let Some((i, entry)) = next else { break };
                tracker.started(&entry.display);
                let summary = summarize_entry(&entry, &prices);
                tracker.finished(&entry.display, entry.compressed_bytes());
                if let Some(r) = &remembered {
                    r.count_decoded();
                    if let Ok(app) = &summary {
                        r.put(&entry, app);
                    }
                }
                done.push((i, summary));
            }
            done
        }));
    }
    for t in tasks {
        out.extend(t.await.map_err(Error::from)?);
    }
    out.sort_by_key(|(i, _)| *i);
    let mut results: Vec<Result<AppSummary>> = out.into_iter().map(|(_, r)| r).collect();
    if cancel.is_cancelled() {
        let read = tracker.done();
        results.push(Err(crate::cancel::cancelled(format!("reading {input} after {read} of {total} logs (those {read} are kept)"))));
    }
    Ok(results)
}

/// What one summary cost to compute (for `lakescope bench spark`).
pub struct Timed {
    pub apps: Vec<AppSummary>,
    pub seconds: f64,
    pub uncompressed_bytes: u64,
}

/// Summarise every log under `input`, timed, failing on the first broken log.
pub async fn timed(input: &str, prices: &Prices) -> Result<Timed> {
    let t0 = Instant::now();
    let apps = read_input(input, prices).await?.into_iter().collect::<Result<Vec<_>>>()?;
    let seconds = t0.elapsed().as_secs_f64();
    let uncompressed_bytes = apps.iter().map(|a| a.log_bytes).sum();
    Ok(Timed { apps, seconds, uncompressed_bytes })
}
