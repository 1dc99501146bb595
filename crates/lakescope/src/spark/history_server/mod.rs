//! A Spark History Server's REST API (v1) read into the same [`AppSummary`] as an event log:
//! `/applications`, then per attempt `/allexecutors` (peaks, add/remove times, removal reasons),
//! `/jobs`, `/stages?details=true` (each stage attempt's executor summaries and their peaks) and
//! `/environment` (Spark properties and resource profiles, for what was allocated).
//!
//! The server does not say where a peak came from, so executors read this way carry telemetry
//! `history-server` (or `none` when the server has no or only zero figures). It keeps no structured
//! streaming progress and no per-task durations, so those parts stay empty here.
//!
//! A server can be slow (a big application is replayed on first request, which takes minutes) or hang
//! outright, so every request races the caller's [`CancelToken`]: Cancel answers at once with
//! [`ErrorKind::Cancelled`] instead of waiting out the five-minute request timeout.

mod rest;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::cancel::{CancelToken, cancelled};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{AppSummary, ExecutorSummary, JobSummary, Peaks, StageSummary};
use crate::spark::cost::Prices;
use crate::spark::summary::allocated::MemoryConf;
use crate::spark::summary::{assemble, lost_to_memory, telemetry_of, Parts};

use rest::*;

/// The server's base URL (`http://host:18080`) and, when the URL named one, a single application.
fn parse_url(input: &str) -> (String, Option<String>) {
    let trimmed = input.trim_end_matches('/');
    match trimmed.split_once("/api/v1") {
        Some((base, rest)) => {
            let app = rest.strip_prefix("/applications/").map(|a| a.split('/').next().unwrap_or(a).to_string()).filter(|a| !a.is_empty());
            (base.to_string(), app)
        }
        None => match trimmed.split_once("/history/") {
            Some((base, app)) => (base.to_string(), Some(app.split('/').next().unwrap_or(app).to_string())),
            None => (trimmed.to_string(), None),
        },
    }
}

struct Client {
    http: reqwest::Client,
    api: String,
    cancel: CancelToken,
}

fn http_error(url: &str, e: reqwest::Error) -> Error {
    let kind = if e.is_connect() || e.is_timeout() {
        ErrorKind::Unreachable
    } else if e.status().is_some_and(|s| s.as_u16() == 404) {
        ErrorKind::NotFound
    } else if e.status().is_some_and(|s| s.as_u16() == 401) {
        ErrorKind::Auth
    } else if e.status().is_some_and(|s| s.as_u16() == 403) {
        ErrorKind::Permission
    } else {
        ErrorKind::Io
    };
    Error::new(kind, format!("GET {url}: {e}"))
}

impl Client {
    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let url = format!("{}{path}", self.api);
        let stopped = || cancelled(format!("reading the History Server at GET {url}"));
        if self.cancel.is_cancelled() {
            return Err(stopped());
        }
        let fetch = async {
            let resp = self.http.get(&url).send().await.and_then(|r| r.error_for_status()).map_err(|e| http_error(&url, e))?;
            resp.bytes().await.map_err(|e| http_error(&url, e))
        };
        let body = tokio::select! {
            biased;
            _ = self.cancel.cancelled() => return Err(stopped()),
            body = fetch => body?,
        };
        serde_json::from_slice(&body).map_err(|e| Error::corrupt(format!("GET {url}: not the History Server's JSON: {e}")))
    }
}

/// Every application attempt the server lists (or the one the URL names); `cancel` stops it between and
/// during requests.
pub async fn read(input: &str, prices: &Prices, cancel: &CancelToken) -> Result<Vec<Result<AppSummary>>> {
    let (base, only) = parse_url(input);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Error::internal(format!("HTTP client: {e}")))?;
    let client = Client { http, api: format!("{base}/api/v1"), cancel: cancel.clone() };
    let apps: Vec<Application> = match &only {
        Some(id) => vec![client.get(&format!("/applications/{id}")).await?],
        None => client.get("/applications").await?,
    };
    let mut out = Vec::new();
    for app in &apps {
        for attempt in &app.attempts {
            let got = read_attempt(&client, &base, app, attempt, prices).await;
            // A cancel is the whole read's answer, not one attempt's error beside the others.
            if let Err(e) = &got
                && e.kind == ErrorKind::Cancelled
            {
                return Err(Error::new(e.kind, e.message.clone()));
            }
            out.push(got);
        }
    }
    Ok(out)
}

async fn read_attempt(c: &Client, base: &str, app: &Application, at: &Attempt, prices: &Prices) -> Result<AppSummary> {
    let mut path = format!("/applications/{}", app.id);
    if let Some(a) = &at.attempt_id {
        path.push_str(&format!("/{a}"));
    }
    let (p_exec, p_jobs, p_stages, p_env) = (
        format!("{path}/allexecutors"),
        format!("{path}/jobs"),
        format!("{path}/stages?details=true&withSummaries=false"),
        format!("{path}/environment"),
    );
    let (execs, jobs, stages, env) = tokio::try_join!(
        c.get::<Vec<RestExecutor>>(&p_exec),
        c.get::<Vec<RestJob>>(&p_jobs),
        c.get::<Vec<RestStage>>(&p_stages),
        c.get::<RestEnvironment>(&p_env),
    )?;
    let props: BTreeMap<String, String> = env.spark_properties.into_iter().collect();
    let profiles: BTreeMap<i32, BTreeMap<String, f64>> =
        env.resource_profiles.into_iter().map(|rp| (rp.id, rp.executor_resources.into_iter().map(|(k, v)| (k, v.amount)).collect())).collect();
    let conf = MemoryConf { props: &props, profiles: &profiles };
    let completed = at.completed;
    let end_ms = if completed { at.end_time_epoch.filter(|t| *t > 0) } else { None };
    let last_ms = at.last_updated_epoch.filter(|t| *t > 0).or(end_ms);

    let mut spills: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for s in &stages {
        for (id, e) in &s.executor_summary {
            let t = spills.entry(id.clone()).or_default();
            t.0 += e.memory_bytes_spilled;
            t.1 += e.disk_bytes_spilled;
        }
    }
    let executors: Vec<ExecutorSummary> = execs
        .into_iter()
        .map(|e| {
            let is_driver = e.id == "driver";
            let peak = e.peak_memory_metrics.map(|m| m.0);
            let mut telemetry = telemetry_of(&peak.unwrap_or(Peaks::UNSET), false, false, false);
            if peak.is_some_and(|p| p.is_set() && !p.all_zero()) {
                telemetry = crate::model::Telemetry::HistoryServer;
            }
            let (mem_spill, disk_spill) = spills.get(&e.id).copied().unwrap_or_default();
            let remove_ms = e.remove_time.as_deref().and_then(rest::parse_time);
            ExecutorSummary {
                host: e.host_port.as_deref().map(|h| h.rsplit_once(':').map(|(h, _)| h).unwrap_or(h).to_string()),
                is_driver,
                add_ms: e.add_time.as_deref().and_then(rest::parse_time),
                remove_ms,
                end_ms: None,
                lost_to_memory: e.remove_reason.as_deref().is_some_and(lost_to_memory),
                removal_reason: e.remove_reason,
                cores: if is_driver { Some(props.get("spark.driver.cores").and_then(|c| c.parse().ok()).unwrap_or(1)) } else { Some(e.total_cores) },
                resource_profile_id: e.resource_profile_id,
                allocated: if is_driver { conf.driver() } else { conf.executor(e.resource_profile_id) },
                peak,
                telemetry,
                tasks: e.total_tasks,
                failed_tasks: e.failed_tasks,
                memory_bytes_spilled: mem_spill,
                disk_bytes_spilled: disk_spill,
                max_storage_bytes: e.memory_metrics.map(|m| m.total_on_heap_storage_memory + m.total_off_heap_storage_memory).or(e.max_memory),
                id: e.id,
            }
        })
        .collect();
    let stages: Vec<StageSummary> = stages
        .into_iter()
        .map(|s| StageSummary {
            job_ids: jobs.iter().filter(|j| j.stage_ids.contains(&s.stage_id)).map(|j| j.job_id).collect(),
            stage_id: s.stage_id,
            attempt_id: s.attempt_id,
            name: s.name,
            status: s.status.to_ascii_lowercase(),
            submission_ms: s.submission_time.as_deref().and_then(rest::parse_time),
            completion_ms: s.completion_time.as_deref().and_then(rest::parse_time),
            tasks: s.num_complete_tasks + s.num_failed_tasks,
            failed_tasks: s.num_failed_tasks,
            memory_bytes_spilled: s.memory_bytes_spilled,
            disk_bytes_spilled: s.disk_bytes_spilled,
            task_ms_mean: s.executor_run_time.checked_div(s.num_complete_tasks).unwrap_or(0),
            task_ms_max: 0,
            peak_by_executor: s
                .executor_summary
                .into_iter()
                .filter_map(|(id, e)| e.peak_memory_metrics.map(|m| (id, m.0)).filter(|(_, p)| p.is_set()))
                .collect(),
        })
        .collect();
    let saw_stage_metrics = props.get("spark.eventLog.logStageExecutorMetrics").is_some_and(|v| v == "true");
    let jobs: Vec<JobSummary> = jobs
        .into_iter()
        .map(|j| JobSummary {
            job_id: j.job_id,
            name: j.name,
            start_ms: j.submission_time.as_deref().and_then(rest::parse_time),
            end_ms: j.completion_time.as_deref().and_then(rest::parse_time),
            status: j.status.to_ascii_lowercase(),
            stage_ids: j.stage_ids,
            peak_by_executor: BTreeMap::new(),
            memory: Default::default(),
        })
        .collect();
    let parts = Parts {
        app_id: app.id.clone(),
        attempt_id: at.attempt_id.clone(),
        app_name: app.name.clone(),
        spark_version: at.app_spark_version.clone(),
        user: at.spark_user.clone(),
        source: format!("{base}/history/{}", app.id),
        start_ms: at.start_time_epoch,
        end_ms,
        last_ms,
        log_bytes: 0,
        events: 0,
        executors,
        jobs,
        stages,
        streaming: Vec::new(),
        props,
        saw_stage_metrics,
        warnings: Vec::new(),
    };
    Ok(assemble(parts, prices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_server_and_maybe_one_app() {
        assert_eq!(parse_url("http://h:18080"), ("http://h:18080".into(), None));
        assert_eq!(parse_url("http://h:18080/"), ("http://h:18080".into(), None));
        assert_eq!(parse_url("http://h:18080/api/v1/applications/app-1/jobs"), ("http://h:18080".into(), Some("app-1".into())));
        assert_eq!(parse_url("https://h/spark/history/app-2/jobs/"), ("https://h/spark".into(), Some("app-2".into())));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_said_so() {
        let err = read("http://127.0.0.1:9", &Prices::default(), &CancelToken::new()).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unreachable, "{}", err.message);
        assert!(err.message.contains("127.0.0.1:9"), "{}", err.message);
    }
}

#[cfg(test)]
pub(crate) mod cancel_tests {
    use std::time::{Duration, Instant};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A real HTTP server on loopback that lists one application at once and answers every other request
    /// only after `delay` — a History Server replaying a big log. Returns its URL and a counter of
    /// requests received.
    pub(crate) async fn slow_server(delay: Duration) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut conn, _)) = listener.accept().await else { return };
                let count = count.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let n = conn.read(&mut buf).await.unwrap_or(0);
                    count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let request = String::from_utf8_lossy(&buf[..n]).to_string();
                    let body = if request.starts_with("GET /api/v1/applications HTTP") {
                        r#"[{"id":"app-1","name":"slow","attempts":[{"completed":true}]}]"#.to_string()
                    } else {
                        tokio::time::sleep(delay).await;
                        "[]".to_string()
                    };
                    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
                    let _ = conn.write_all(format!("{head}{body}").as_bytes()).await;
                });
            }
        });
        (url, seen)
    }

    #[tokio::test]
    async fn cancel_stops_a_slow_read_within_a_second() {
        let (url, seen) = slow_server(Duration::from_secs(120)).await;
        let cancel = CancelToken::new();
        let reader = tokio::spawn({
            let (url, cancel) = (url.clone(), cancel.clone());
            async move { read(&url, &Prices::default(), &cancel).await }
        });
        // Wait until the per-application requests are in flight (the list answered at once).
        let started = Instant::now();
        while seen.load(std::sync::atomic::Ordering::SeqCst) < 2 {
            assert!(started.elapsed() < Duration::from_secs(10), "the reader never asked for the application's details");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let asked = Instant::now();
        cancel.cancel();
        let got = tokio::time::timeout(Duration::from_secs(1), reader).await.expect("answered within 1 s").unwrap();
        let err = got.expect_err("a cancelled read is an error");
        assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
        assert!(err.message.contains(&url) && err.message.contains("/applications/app-1/"), "{}", err.message);
        assert!(asked.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn a_read_cancelled_before_it_starts_sends_nothing() {
        let (url, seen) = slow_server(Duration::from_secs(120)).await;
        let cancel = CancelToken::new();
        cancel.cancel();
        let err = read(&url, &Prices::default(), &cancel).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 0, "no request after the cancel");
    }
}
