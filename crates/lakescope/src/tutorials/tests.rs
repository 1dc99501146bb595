use super::*;
use crate::ErrorKind;

const GOOD: &str = r##"+++
title = "T"
audience = "A"
duration = "1 min"
order = 2
+++
Summary.

## First
target = '[data-testid="rail-search"]'
check = { kind = "searched", query = "orders" }

Body one.

## Second
target = "#x"

Body two with a code block:
```
## not a step
```
"##;

fn err(text: &str) -> String {
    let e = parse("t", "tut.md", text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{}", e.message);
    e.message
}

#[test]
fn a_valid_file_parses_into_steps_with_checks() {
    let t = parse("t", "tut.md", GOOD).unwrap();
    assert_eq!((t.title.as_str(), t.audience.as_str(), t.duration.as_str(), t.order), ("T", "A", "1 min", 2));
    assert_eq!(t.summary, "Summary.");
    assert_eq!(t.steps.len(), 2, "a `## ` inside a code fence is not a step");
    assert_eq!(t.steps[0].check, Some(Check::Searched { query: Some("orders".into()) }));
    assert_eq!(t.steps[0].body, "Body one.");
    assert_eq!(t.steps[1].check, None);
    assert!(t.steps[1].body.contains("## not a step"));
}

#[test]
fn an_unknown_check_kind_names_file_and_line() {
    let bad = GOOD.replace(r#"kind = "searched""#, r#"kind = "table_open""#);
    let m = err(&bad);
    assert!(m.starts_with("tut.md:11: step 1 \"First\""), "{m}");
    assert!(m.contains("table_open"), "{m}");
}

#[test]
fn a_missing_target_names_the_step_heading_line() {
    let bad = GOOD.replace("target = \"#x\"\n", "");
    let m = err(&bad);
    assert!(m.starts_with("tut.md:15: step 2 \"Second\" has no target"), "{m}");
}

#[test]
fn bad_front_matter_names_the_line() {
    let m = err(&GOOD.replace("order = 2", "order = \"two\""));
    assert!(m.starts_with("tut.md:5: front matter"), "{m}");
    let m = err(&GOOD.replace("audience = \"A\"\n", ""));
    assert!(m.starts_with("tut.md:2: front matter") && m.contains("audience"), "{m}");
    let m = err(&GOOD.replace("title = \"T\"", "titel = \"T\""));
    assert!(m.starts_with("tut.md:2: front matter") && m.contains("titel"), "{m}");
    let m = err(&GOOD.replacen("+++\n", "", 1));
    assert!(m.starts_with("tut.md:1: expected front matter"), "{m}");
    let m = err("+++\ntitle = \"T\"\n");
    assert!(m.starts_with("tut.md:1:") && m.contains("never closed"), "{m}");
}

#[test]
fn checks_with_impossible_arguments_are_rejected_where_written() {
    let m = err(&GOOD.replace(r#"{ kind = "searched", query = "orders" }"#, r#"{ kind = "route", view = "lineage" }"#));
    assert!(m.starts_with("tut.md:11:") && m.contains("unknown view \"lineage\""), "{m}");
    let m = err(&GOOD.replace(r#"{ kind = "searched", query = "orders" }"#, r#"{ kind = "table_opened", table = "x", tab = "sample" }"#));
    assert!(m.starts_with("tut.md:11:") && m.contains("unknown tab \"sample\""), "{m}");
    let m = err(&GOOD.replace(r#"query = "orders""#, r#"qeury = "orders""#));
    assert!(m.starts_with("tut.md:11:") && m.contains("qeury"), "{m}");
}

#[test]
fn a_file_without_steps_or_step_text_is_rejected() {
    let m = err("+++\ntitle = \"T\"\naudience = \"A\"\nduration = \"1\"\norder = 1\n+++\nOnly a summary.\n");
    assert!(m.starts_with("tut.md:7:") && m.contains("no steps"), "{m}");
    let m = err(&GOOD.replace("Body one.", ""));
    assert!(m.starts_with("tut.md:9: step 1 \"First\" has no text"), "{m}");
}

#[test]
fn the_bundled_tutorials_are_valid_and_ordered() {
    let set = TutorialSource::Embedded.load().unwrap();
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let ids: Vec<_> = set.tutorials.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["find-a-table", "size-trend", "spark-memory", "retention", "maintenance"]);
}

#[test]
fn embedded_list_matches_the_folder() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/tutorials");
    let on_disk: Vec<String> = read_dir(&dir).unwrap().into_iter().map(|(n, _, _)| n).collect();
    let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, embedded, "add new files in assets/tutorials/ to tutorials::EMBEDDED");
    for (name, text) in EMBEDDED {
        assert_eq!(std::fs::read_to_string(dir.join(name)).unwrap(), *text);
    }
}

#[test]
fn a_folder_is_re_read_on_every_load_and_bad_files_are_reported_beside_good_ones() {
    let d = tempfile::tempdir().unwrap();
    let src = TutorialSource::Dir(d.path().to_path_buf());
    assert_eq!(src.load().unwrap_err().kind, ErrorKind::NotFound);
    std::fs::write(d.path().join("b.md"), GOOD).unwrap();
    assert_eq!(src.load().unwrap().tutorials[0].title, "T");
    std::fs::write(d.path().join("b.md"), GOOD.replace("title = \"T\"", "title = \"Edited\"")).unwrap();
    std::fs::write(d.path().join("a.md"), "no front matter").unwrap();
    std::fs::write(d.path().join("notes.txt"), "ignored").unwrap();
    let set = src.load().unwrap();
    assert_eq!(set.tutorials.len(), 1);
    assert_eq!(set.tutorials[0].title, "Edited", "the edit shows without a new source");
    assert_eq!(set.errors.len(), 1);
    assert!(set.errors[0].message.contains("a.md:1:"), "{}", set.errors[0].message);
}

async fn learn(dir: &Path) -> Learn {
    let store = Store::open(Some(dir.join("store.db").to_str().unwrap())).await.unwrap();
    Learn::new(TutorialSource::Embedded, store, "ada")
}

use crate::store::Store;

#[tokio::test]
async fn progress_starts_resumes_completes_and_resets() {
    let d = tempfile::tempdir().unwrap();
    let l = learn(d.path()).await;
    let o = l.overview().await.unwrap();
    assert_eq!(o.offer.as_deref(), Some("find-a-table"), "first launch offers the first tutorial");
    assert!(o.entries.iter().all(|e| e.progress.is_none()));

    let t0 = 1_796_000_000_000;
    let p = l.start("find-a-table", false, t0).await.unwrap();
    assert_eq!((p.step_reached, p.started_ms, p.completed_ms), (0, t0, None));
    l.advance("find-a-table", 2, t0 + 60_000).await.unwrap();
    // An evening away counts as the idle cap, not as hours.
    let p = l.advance("find-a-table", 3, t0 + 60_000 + 10 * 3_600_000).await.unwrap();
    assert_eq!((p.step_reached, p.elapsed_ms), (3, 60_000 + learn::IDLE_CAP_MS));
    drop(l);

    // Reopened (a restart): resume where left off, no offer any more.
    let l = learn(d.path()).await;
    let o = l.overview().await.unwrap();
    assert_eq!(o.offer, None);
    let entry = o.entries.iter().find(|e| e.tutorial.id == "find-a-table").unwrap();
    assert_eq!(entry.progress.as_ref().unwrap().step_reached, 3);
    let p = l.start("find-a-table", false, t0 + 20 * 3_600_000).await.unwrap();
    assert_eq!((p.step_reached, p.started_ms), (3, t0), "resumed, not restarted");

    let steps = entry.tutorial.steps.len() as u32;
    assert_eq!(l.advance("find-a-table", steps, t0).await.unwrap_err().kind, ErrorKind::InvalidInput);
    let done = l.complete("find-a-table", t0 + 20 * 3_600_000 + 1000).await.unwrap();
    assert_eq!((done.step_reached, done.completed_ms), (steps, Some(t0 + 20 * 3_600_000 + 1000)));
    assert_eq!(l.complete("find-a-table", t0 + 99_999_999).await.unwrap(), done, "completing twice keeps the first");

    // Starting a completed tutorial (Restart) begins again from the first step.
    let again = l.start("find-a-table", false, t0 + 30 * 3_600_000).await.unwrap();
    assert_eq!((again.step_reached, again.completed_ms, again.elapsed_ms), (0, None, 0));
    assert!(l.reset("find-a-table").await.unwrap());
    assert!(!l.reset("find-a-table").await.unwrap());
    let o = l.overview().await.unwrap();
    assert!(o.entries.iter().all(|e| e.progress.is_none()));
    assert_eq!(o.offer, None, "the offer is made once");
}

#[tokio::test]
async fn unknown_tutorials_and_unstarted_moves_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let l = learn(d.path()).await;
    let e = l.start("nope", false, 1).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("nope"), "{}", e.message);
    let e = l.advance("size-trend", 1, 1).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("has not been started by ada"), "{}", e.message);
    l.dismiss_offer(5).await.unwrap();
    assert_eq!(l.overview().await.unwrap().offer, None);
}

fn with_check(check: &str) -> String {
    GOOD.replace(r#"{ kind = "searched", query = "orders" }"#, check)
}

#[test]
fn overview_checks_parse_with_and_without_a_finding_kind() {
    use crate::findings::FindingKind;
    let first = |check: &str| parse("t", "tut.md", &with_check(check)).unwrap().steps[0].check.clone();
    assert_eq!(
        first(r#"{ kind = "command_copied", finding = "partition_past_retention" }"#),
        Some(Check::CommandCopied { finding: Some(FindingKind::PartitionPastRetention) })
    );
    assert_eq!(first(r#"{ kind = "command_copied" }"#), Some(Check::CommandCopied { finding: None }));
    assert_eq!(
        first(r#"{ kind = "finding_opened", finding = "vacuum_due" }"#),
        Some(Check::FindingOpened { finding: Some(FindingKind::VacuumDue) })
    );
    assert_eq!(first(r#"{ kind = "route", view = "overview" }"#), Some(Check::Route { view: "overview".into(), tab: None }));
}

#[test]
fn overview_checks_with_bad_arguments_name_file_line_and_the_choices() {
    let m = err(&with_check(r#"{ kind = "command_copied", finding = "vacuum" }"#));
    assert!(m.starts_with("tut.md:11: step 1 \"First\""), "{m}");
    assert!(m.contains("vacuum") && m.contains("partition_past_retention"), "the known kinds are listed: {m}");
    let m = err(&with_check(r#"{ kind = "finding_opened", table = "ods_orders" }"#));
    assert!(m.starts_with("tut.md:11:") && m.contains("table"), "{m}");
    let m = err(&with_check(r#"{ kind = "route", view = "overview", tab = "storage" }"#));
    assert!(m.contains("a tab only exists on the catalog's table pages"), "{m}");
}
