//! The Spark page's workspace against the real PySpark fixtures in `assets/spark/logs`.

use super::*;
use crate::charts::Theme;
use crate::model::metric;

fn logs(sub: &str) -> String {
    bundled_demo_logs().join(sub).display().to_string()
}

fn ws(dir: &Path) -> SparkWorkspace {
    SparkWorkspace::open(dir.join("conf/spark_inputs.json"))
}

const OPTS: ChartOptions = ChartOptions { width: 900, height: 320, theme: Theme::Light };

#[test]
fn remembers_inputs_across_restarts_and_rejects_blank_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    assert!(w.inputs().is_empty());
    w.add("/logs/a").unwrap();
    w.add(" /logs/a ").unwrap();
    w.add("http://history:18080").unwrap();
    assert_eq!(w.add("   ").unwrap_err().kind, crate::ErrorKind::InvalidInput);
    let again = ws(tmp.path());
    assert_eq!(again.inputs(), vec!["/logs/a".to_string(), "http://history:18080".to_string()]);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(again.remove("/logs/a")).unwrap();
    assert_eq!(rt.block_on(again.remove("/logs/a")).unwrap_err().kind, crate::ErrorKind::NotFound);
    assert_eq!(ws(tmp.path()).inputs(), vec!["http://history:18080".to_string()]);
}

#[tokio::test]
async fn a_corrupt_inputs_file_is_reported_and_replaced_on_the_next_change() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("conf")).unwrap();
    std::fs::write(tmp.path().join("conf/spark_inputs.json"), "{not json").unwrap();
    let w = ws(tmp.path());
    let o = w.overview().await;
    let e = o.inputs_file_error.expect("the broken file is reported");
    assert_eq!(e.kind, crate::ErrorKind::Corrupt);
    assert!(e.message.contains("spark_inputs.json"), "{}", e.message);
    w.add(&logs("overallocated")).unwrap();
    assert_eq!(ws(tmp.path()).inputs(), vec![logs("overallocated")]);
}

#[tokio::test]
async fn a_broken_input_shows_its_error_while_the_others_list_their_apps() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    w.add(&logs("overallocated")).unwrap();
    w.add(&tmp.path().join("no-such-logs").display().to_string()).unwrap();
    w.add(&logs("python_udf_heavy")).unwrap();
    let o = w.overview().await;
    assert_eq!(o.inputs.len(), 3);
    assert_eq!((o.inputs[0].apps, o.inputs[0].errors.len()), (1, 0));
    assert_eq!(o.inputs[1].apps, 0);
    assert_eq!(o.inputs[1].errors[0].kind, crate::ErrorKind::NotFound);
    assert!(o.inputs[1].errors[0].message.contains("no-such-logs"));
    assert_eq!(o.apps.len(), 2);

    // The over-allocated run asked for 1500m heap + 512m overhead per executor and used far less.
    let over = &o.apps[0];
    assert_eq!(over.app_name, "lakescope-overallocated");
    assert_eq!(over.executors, 2);
    assert_eq!(over.allocated_bytes, (1500 + 512) << 20);
    let peak = over.peak_bytes.expect("process-tree metrics were on");
    assert!(peak > 0 && peak < over.allocated_bytes / 2, "peak {peak}");
    assert!(over.memory.wasted_gib_hours > 0.0 && over.advice > 0);
}

#[tokio::test]
async fn app_page_derives_used_and_job_peaks_with_the_engines_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    let input = logs("python_udf_heavy");
    w.add(&input).unwrap();
    let id = w.overview().await.apps[0].app_id.clone();
    let page = w.app_page(&input, &id, &OPTS).await.unwrap();
    assert!(page.chart_svg.starts_with("<svg"), "the engine's SVG");
    assert_eq!(page.executor_used_bytes.len(), page.app.executors.len());
    assert_eq!(page.job_peak_bytes.len(), page.app.jobs.len());
    // Python-heavy: an executor's used peak counts its Python workers' RSS, so it exceeds the JVM's.
    let (x, used) = page.app.executors.iter().zip(&page.executor_used_bytes).find(|(x, _)| !x.is_driver).unwrap();
    let p = x.peak.unwrap();
    assert!(p.get(metric::PROCESS_TREE_PYTHON_RSS) > 0);
    assert_eq!(used.unwrap(), used_bytes(&p, false));
    assert!(used.unwrap() > p.get(metric::JVM_HEAP) + p.get(metric::JVM_OFF_HEAP));
    // A job's heap peak is the max of its executors' stage heap peaks (driver excluded here).
    for (j, heap) in page.app.jobs.iter().zip(&page.job_heap_peak_bytes) {
        let want = j
            .peak_by_executor
            .iter()
            .filter(|(id, p)| *id != "driver" && p.is_set() && !p.all_zero())
            .map(|(_, p)| p.get(metric::JVM_HEAP))
            .max();
        assert_eq!(*heap, want, "job {}", j.job_id);
    }
    assert!(page.runs.is_none(), "one run of this name");
    let e = w.app_page(&input, "app-nope", &OPTS).await.unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::NotFound);
    let e = w.app_page("/not/opened", &id, &OPTS).await.unwrap_err();
    assert!(e.message.contains("not an opened Spark input"));
    let e = w.app_page(&input, &id, &ChartOptions { width: 5, ..OPTS }).await.unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn executors_without_telemetry_have_no_used_figure_not_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    let input = logs("no_stage_metrics");
    w.add(&input).unwrap();
    let o = w.overview().await;
    let page = w.app_page(&input, &o.apps[0].app_id, &OPTS).await.unwrap();
    for (x, used) in page.app.executors.iter().zip(&page.executor_used_bytes) {
        if x.telemetry == Telemetry::None {
            assert_eq!(*used, None, "executor {}", x.id);
        } else {
            assert!(used.unwrap() > 0, "executor {}", x.id);
        }
    }
}

#[tokio::test]
async fn runs_sharing_a_name_get_cross_run_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    w.add(&logs("codecs")).unwrap();
    w.add(&logs("many_apps")).unwrap();
    let o = w.overview().await;
    let zstd = o.runs.iter().find(|r| r.app_name == "lakescope-codec_zstd").unwrap();
    assert_eq!(zstd.runs, 2);
    let page = w.app_page(&logs("codecs"), &zstd.app_ids[0], &OPTS).await.unwrap();
    assert_eq!(page.runs.as_ref().map(|r| r.runs), Some(2));
}

#[tokio::test]
async fn exports_svg_and_png_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    let input = logs("overallocated");
    w.add(&input).unwrap();
    let id = w.overview().await.apps[0].app_id.clone();
    let svg = tmp.path().join("mem.svg");
    w.export_chart(&input, &id, &OPTS, &svg).await.unwrap();
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let png = tmp.path().join("mem.png");
    w.export_chart(&input, &id, &OPTS, &png).await.unwrap();
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    let e = w.export_chart(&input, &id, &OPTS, &svg).await.unwrap_err();
    assert!(e.message.contains("already exists"), "{}", e.message);
    let e = w.export_chart(&input, &id, &OPTS, Path::new("mem.svg")).await.unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::InvalidInput);
    let e = w.export_chart(&input, &id, &OPTS, &tmp.path().join("mem.gif")).await.unwrap_err();
    assert!(e.message.contains(".svg or .png"));
    let e = w.export_chart(&input, &id, &OPTS, &tmp.path().join("missing/mem.svg")).await.unwrap_err();
    assert!(e.message.contains("missing/mem.svg"), "{}", e.message);
}

#[tokio::test]
async fn demo_logs_gather_every_fixture_into_one_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    let input = w.add_demo(&tmp.path().join("demo-logs")).unwrap();
    let o = w.overview().await;
    assert_eq!(o.inputs[0].input, input);
    let names: Vec<&str> = o.apps.iter().map(|a| a.app_name.as_str()).collect();
    for want in ["lakescope-overallocated", "lakescope-python_udf_heavy", "lakescope-spilling", "lakescope-streaming", "lakescope-executor_lost"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // Each application once: the `many_apps` repeats are not copied.
    let mut ids: Vec<&str> = o.apps.iter().map(|a| a.app_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), o.apps.len());
    // Reused on the next call.
    assert_eq!(w.add_demo(&tmp.path().join("demo-logs")).unwrap(), input);
    let e = prepare_demo_logs(&tmp.path().join("nowhere"), &tmp.path().join("x")).unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::NotFound);
}

#[tokio::test]
async fn cancel_stops_a_slow_history_server_and_the_input_says_cancelled() {
    use std::time::{Duration, Instant};
    let (url, _seen) = crate::spark::history_server::cancel_tests::slow_server(Duration::from_secs(120)).await;
    let tmp = tempfile::tempdir().unwrap();
    let w = Arc::new(ws(tmp.path()));
    w.add(&logs("local_mode")).unwrap();
    w.add(&url).unwrap();
    let reading = tokio::spawn({
        let w = w.clone();
        async move { w.overview().await }
    });
    let started = Instant::now();
    while w.loading() != [url.clone()] {
        assert!(started.elapsed() < Duration::from_secs(20), "the slow server's read never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(w.cancel(Some("http://not-opened:18080")), 0, "only the named input is stopped");
    let asked = Instant::now();
    assert_eq!(w.cancel(Some(&url)), 1);
    let ov = tokio::time::timeout(Duration::from_secs(1), reading).await.expect("cancelled within 1 s").unwrap();
    assert!(asked.elapsed() < Duration::from_secs(1));
    assert!(w.loading().is_empty());
    let slow = ov.inputs.iter().find(|i| i.input == url).unwrap();
    assert_eq!(slow.apps, 0);
    assert_eq!(slow.errors.len(), 1);
    assert_eq!(slow.errors[0].kind, crate::ErrorKind::Cancelled, "{}", slow.errors[0].message);
    let local = ov.inputs.iter().find(|i| i.input != url).unwrap();
    assert!(local.apps > 0 && local.errors.is_empty(), "the other input still reads: {local:?}");
    assert_eq!(w.cancel(None), 0, "nothing is being read any more");
}

#[tokio::test]
async fn a_refresh_decodes_only_new_and_changed_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = |from: &str| {
        for e in std::fs::read_dir(bundled_demo_logs().join(from)).unwrap().flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
            }
        }
    };
    copy("codecs");
    let w = ws(tmp.path());
    let input = dir.display().to_string();
    w.add(&input).unwrap();
    let first = w.overview().await;
    assert_eq!((first.apps.len(), w.read_counts()), (5, (5, 0)), "{:?}", first.inputs);

    // Nothing changed: the refresh lists again and decodes nothing, with the same answers.
    w.refresh().await;
    let again = w.overview().await;
    assert_eq!(w.read_counts(), (5, 5));
    assert_eq!(serde_json::to_value(&again.apps).unwrap(), serde_json::to_value(&first.apps).unwrap());

    // A new (rolled) application, and one log that grew as a running one's does: only those two.
    let rolled = bundled_demo_logs().join("overallocated/eventlog_v2_app-20261201102003-0000");
    std::fs::create_dir_all(dir.join(rolled.file_name().unwrap())).unwrap();
    for e in std::fs::read_dir(&rolled).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(rolled.file_name().unwrap()).join(e.file_name())).unwrap();
    }
    let plain = dir.join("app-20261201102939-0000");
    let mut grown = std::fs::read(&plain).unwrap();
    grown.extend_from_slice(b"\n");
    std::fs::write(&plain, grown).unwrap();
    w.refresh().await;
    let third = w.overview().await;
    assert_eq!(third.apps.len(), 6);
    assert_eq!(w.read_counts(), (7, 9), "two logs decoded, four answered from what was read");
}

#[tokio::test]
async fn progress_counts_logs_and_bytes_and_a_cancelled_read_keeps_the_logs_it_read() {
    use crate::spark::SparkReadProgress;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = 0;
    for e in std::fs::read_dir(bundled_demo_logs().join("codecs")).unwrap().flatten() {
        if e.path().is_file() {
            bytes += std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    let input = dir.display().to_string();
    let w = Arc::new(ws(tmp.path()));
    w.add(&input).unwrap();
    let seen: Arc<Mutex<Vec<SparkReadProgress>>> = Default::default();
    // Cancel as soon as the first log is done: the read stops between logs.
    let cancel_after_first = Arc::new(std::sync::atomic::AtomicBool::new(true));
    w.set_progress({
        let (seen, w, once) = (seen.clone(), Arc::downgrade(&w), cancel_after_first.clone());
        Arc::new(move |p: &SparkReadProgress| {
            seen.lock().unwrap().push(p.clone());
            let first = p.logs_done == 1 && once.swap(false, std::sync::atomic::Ordering::SeqCst);
            if let (true, Some(w)) = (first, w.upgrade()) {
                w.cancel(None);
            }
        })
    });
    let ov = w.overview().await;
    let events = seen.lock().unwrap().clone();
    assert_eq!(events[0], SparkReadProgress { input: input.clone(), logs_done: 0, logs_total: 5, bytes_read: 0, current: None });
    let last = events.last().unwrap();
    let read = last.logs_done as usize;
    assert!((1..=5).contains(&read), "{events:?}");
    assert_eq!(ov.apps.len(), read, "every log read before the cancel is listed");
    assert_eq!(ov.inputs[0].errors.len(), 1);
    let e = &ov.inputs[0].errors[0];
    assert_eq!(e.kind, crate::ErrorKind::Cancelled);
    assert!(e.message.contains(&format!("after {read} of 5 logs")), "{}", e.message);
    assert!(events.iter().any(|p| p.current.as_deref().is_some_and(|c| c.contains("app-20261201"))), "the log being read is named: {events:?}");

    // Refresh: the logs read before the cancel are not decoded again, and the totals reach every byte.
    seen.lock().unwrap().clear();
    w.refresh().await;
    let ov = w.overview().await;
    assert_eq!(ov.apps.len(), 5);
    assert!(ov.inputs[0].errors.is_empty(), "{:?}", ov.inputs[0].errors);
    assert_eq!(w.read_counts(), (5, read as u64), "only the unread logs decoded");
    let events = seen.lock().unwrap().clone();
    assert_eq!(events[0].logs_done as usize, read, "the logs read before count as done at once");
    assert_eq!(events.last().unwrap(), &SparkReadProgress { input, logs_done: 5, logs_total: 5, bytes_read: bytes, current: None });
}

#[tokio::test]
async fn new_prices_reprice_every_dollar_and_the_same_prices_keep_what_was_read() {
    let tmp = tempfile::tempdir().unwrap();
    let w = ws(tmp.path());
    let input = logs("overallocated");
    w.add(&input).unwrap();
    let before = w.overview().await;
    let decoded = w.read_counts().0;
    let dear = Prices { usd_per_gib_hour: 0.0125, usd_per_vcore_hour: 0.0875 };
    let want: Vec<AppSummary> = crate::spark::read_input(&input, &dear).await.unwrap().into_iter().map(Result::unwrap).collect();
    assert!(want.iter().all(|a| a.memory.cost.wasted_usd > 0.0), "the fixture wastes memory, so the test can see prices");

    assert_eq!((before.price_profile.as_str(), before.prices), (crate::cost::DEFAULT_PROFILE, Prices::default()));
    w.use_prices("team", dear).await;
    let after = w.overview().await;
    assert_eq!((after.price_profile.as_str(), after.prices), ("team", dear), "the page says what it is priced with");
    assert_eq!(w.read_counts().0, 2 * decoded, "new prices decode the logs again");
    for row in &after.apps {
        let a = want.iter().find(|a| a.app_id == row.app_id).unwrap();
        assert_eq!(row.memory, a.memory, "{}: priced as `spark --usd-per-*` prices it", row.app_id);
        let old = before.apps.iter().find(|r| r.app_id == row.app_id).unwrap();
        assert_ne!(row.memory.cost, old.memory.cost, "{}", row.app_id);
    }
    let page = w.app_page(&input, &want[0].app_id, &OPTS).await.unwrap();
    assert_eq!(serde_json::to_value(&page.app.advice).unwrap(), serde_json::to_value(&want[0].advice).unwrap(), "advice's savings use the new prices");

    w.use_prices("team-renamed", dear).await;
    assert_eq!(w.overview().await.price_profile, "team-renamed");
    assert_eq!(w.read_counts().0, 2 * decoded, "the same prices keep what was read");
}
