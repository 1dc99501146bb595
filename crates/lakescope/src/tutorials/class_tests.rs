//! Trainer mode: class codes, the progress file format and the class table read from a folder.

use std::path::Path;

use super::*;
use crate::store::Store;
use crate::ErrorKind;

async fn learn(dir: &Path, user: &str) -> Learn {
    let store = Store::open(Some(dir.join("store.db").to_str().unwrap())).await.unwrap();
    Learn::new(TutorialSource::Embedded, store, user)
}

#[test]
fn class_codes_are_typable_and_normalised() {
    let code = new_class_code();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(normalize_class_code(&code).unwrap(), code);
    assert_eq!(normalize_class_code(" k7qm 3xpa ").unwrap(), "K7QM-3XPA");
    let e = normalize_class_code("K7QM-3XP").unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("7 letters and digits, not 8"), "{}", e.message);
    let e = normalize_class_code("K0QM-3XPA").unwrap_err();
    assert!(e.message.contains("'0' is not used"), "{}", e.message);
    assert_ne!(new_class_code(), new_class_code());
}

#[tokio::test]
async fn a_progress_file_round_trips_through_export_and_the_class_table() {
    let d = tempfile::tempdir().unwrap();
    let l = learn(d.path(), "ada").await;
    let e = l.export_progress(d.path(), 10).await.unwrap_err();
    assert!(e.message.contains("has not joined a class"), "{}", e.message);

    let m = l.join_class("k7qm-3xpa", "Ada L.", 1_000).await.unwrap();
    assert_eq!(m, ClassMembership { class_code: "K7QM-3XPA".into(), learner_name: "Ada L.".into() });
    l.start("find-a-table", false, 1_000).await.unwrap();
    l.advance("find-a-table", 2, 61_000).await.unwrap();
    l.start("size-trend", false, 70_000).await.unwrap();
    l.complete("size-trend", 100_000).await.unwrap();

    let out = d.path().join("sent");
    std::fs::create_dir(&out).unwrap();
    let first = l.export_progress(&out, 200_000).await.unwrap();
    assert!(first.ends_with("lakescope-progress-K7QM-3XPA-ada-l.json"), "{first}");
    let second = l.export_progress(&out, 300_000).await.unwrap();
    assert!(second.ends_with("lakescope-progress-K7QM-3XPA-ada-l-2.json"), "a file is never replaced: {second}");
    let e = l.export_progress(Path::new(&first), 1).await.unwrap_err();
    assert!(e.message.contains("already exists"), "{}", e.message);

    let parsed = ProgressFile::parse("x", &std::fs::read(&first).unwrap()).unwrap();
    assert_eq!(parsed, l.progress_file(200_000).await.unwrap());
    let t = &parsed.tutorials;
    let bundled = TutorialSource::Embedded.load().unwrap().tutorials.len();
    assert_eq!(t.len(), bundled, "one entry per bundled tutorial, started or not");
    assert_eq!((t[0].started, t[0].step_reached, t[0].completed, t[0].elapsed_ms), (true, 2, false, 60_000));
    assert_eq!((t[1].completed, t[1].completed_ms, t[1].step_reached, t[1].steps), (true, Some(100_000), t[1].steps, t[1].steps));
    assert!(!t[2].started && t[2].started_ms.is_none());

    let r = class_report(&out, Some("K7QM3XPA")).unwrap();
    assert_eq!(r.rows.len(), bundled, "one learner, the newest of two files");
    assert!(r.rows.iter().all(|row| row.file.ends_with("-2.json") && row.learner == "Ada L."));
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains("older progress of Ada L."), "{}", r.errors[0].message);
    let csv = r.to_csv();
    assert!(csv.starts_with("class_code,learner,tutorial_id,"), "{csv}");
    assert!(csv.contains("\r\nK7QM-3XPA,Ada L.,find-a-table,"), "{csv}");
}

#[test]
fn foreign_wrong_version_and_corrupt_files_are_errors_per_file_and_the_rest_is_kept() {
    let d = tempfile::tempdir().unwrap();
    let good = ProgressFile {
        format: "lakescope-progress".into(),
        version: 1,
        class_code: "ABCD-2345".into(),
        learner: "bo, \"the\" tester".into(),
        exported_ms: 5,
        tutorials: vec![ProgressEntry {
            tutorial_id: "find-a-table".into(),
            title: "Find a table".into(),
            steps: 6,
            started: true,
            started_ms: Some(1),
            step_reached: 6,
            completed: true,
            completed_ms: Some(4),
            elapsed_ms: 3,
        }],
    };
    let json = serde_json::to_string(&good).unwrap();
    let w = |name: &str, text: &str| std::fs::write(d.path().join(name), text).unwrap();
    w("good.json", &json);
    w("other-class.json", &json.replace("ABCD-2345", "WXYZ-6789").replace("bo, ", "cy, "));
    w("v2.json", &json.replace("\"version\":1", "\"version\":2"));
    w("truncated.json", &json[..json.len() / 2]);
    w("foreign.json", r#"{"name": "not ours"}"#);
    w("past-end.json", &json.replace("\"step_reached\":6", "\"step_reached\":7").replace("bo, ", "di, "));
    w("notes.txt", "skipped: not a .json file");

    let r = class_report(d.path(), Some("abcd-2345")).unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].learner, "bo, \"the\" tester");
    let by_file = |f: &str| r.errors.iter().find(|e| e.file == f).unwrap_or_else(|| panic!("no error for {f}: {:?}", r.errors));
    assert_eq!(r.errors.len(), 5, "{:?}", r.errors);
    assert!(by_file("other-class.json").message.contains("in class WXYZ-6789, not this class ABCD-2345"));
    let v2 = by_file("v2.json");
    assert_eq!(v2.kind, ErrorKind::Unsupported);
    assert!(v2.message.starts_with("v2.json: progress file version 2; this Lakescope reads version 1"), "{}", v2.message);
    assert_eq!(by_file("truncated.json").kind, ErrorKind::Corrupt);
    assert!(by_file("truncated.json").message.contains("not valid JSON"));
    assert!(by_file("foreign.json").message.contains("not a Lakescope progress file"));
    assert!(by_file("past-end.json").message.contains("has 6 steps but step_reached is 7"));
    // Quoted the way CSV readers expect.
    assert!(r.to_csv().contains("\r\nABCD-2345,\"bo, \"\"the\"\" tester\",find-a-table,Find a table,6,true,6,true,3,1,4,good.json\r\n"), "{}", r.to_csv());

    let all = class_report(d.path(), None).unwrap();
    assert_eq!(all.rows.len(), 2, "no class given: every class's files count");
}

#[tokio::test]
async fn reset_demo_refuses_a_folder_that_is_not_the_demo() {
    let d = tempfile::tempdir().unwrap();
    let l = learn(d.path(), "ada").await;
    l.start("find-a-table", false, 1).await.unwrap();
    let mine = d.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("catalog.db"), "precious").unwrap();
    let e = l.reset_demo(&mine).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("is not a Lakescope demo lakehouse"), "{}", e.message);
    assert_eq!(std::fs::read_to_string(mine.join("catalog.db")).unwrap(), "precious");
    assert_eq!(l.store().tutorial_progress("ada").await.unwrap().len(), 1, "progress is kept when nothing was reset");
}

#[tokio::test]
async fn the_classroom_shows_both_sides_and_the_report_follows_the_trained_class() {
    let d = tempfile::tempdir().unwrap();
    let l = learn(d.path(), "tim").await;
    let empty = l.classroom().await.unwrap();
    assert_eq!((empty.joined, empty.trained), (None, None));
    assert!(!empty.export_dir.is_empty());

    let code = l.new_class(1).await.unwrap();
    l.join_class("ABCD-2345", "Tim", 2).await.unwrap();
    let c = l.classroom().await.unwrap();
    assert_eq!(c.trained.as_deref(), Some(code.as_str()));
    assert_eq!(c.joined.unwrap().class_code, "ABCD-2345", "learner and trainer classes are kept apart");

    // Tim sends progress of ABCD-2345; as the trainer of `code` that file is another class's.
    let sent = d.path().join("sent");
    std::fs::create_dir(&sent).unwrap();
    l.export_progress(&sent, 3).await.unwrap();
    let r = l.class_report(&sent).await.unwrap();
    assert_eq!(r.class_code.as_deref(), Some(code.as_str()));
    assert!(r.rows.is_empty());
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains(&format!("in class ABCD-2345, not this class {code}")), "{}", r.errors[0].message);
}

#[tokio::test]
async fn a_class_report_is_written_as_csv_or_json_by_extension_and_never_replaces_a_file() {
    let d = tempfile::tempdir().unwrap();
    let l = learn(d.path(), "ada").await;
    l.join_class("ABCD-2345", "Ada", 1).await.unwrap();
    let sent = d.path().join("sent");
    std::fs::create_dir(&sent).unwrap();
    l.export_progress(&sent, 2).await.unwrap();
    let r = class_report(&sent, Some("ABCD-2345")).unwrap();
    assert!(!r.rows.is_empty());

    let csv = d.path().join("class.CSV");
    assert_eq!(r.write_to(&csv).unwrap(), csv.display().to_string());
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), r.to_csv());
    let e = r.write_to(&csv).unwrap_err();
    assert!(e.message.contains("already exists"), "{}", e.message);
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), r.to_csv(), "the first file is untouched");

    let json = d.path().join("class.json");
    r.write_to(&json).unwrap();
    let back: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(back, serde_json::to_value(&r).unwrap());

    let e = r.write_to(&d.path().join("class.xlsx")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains(".csv or .json"), "{}", e.message);
    assert!(!d.path().join("class.xlsx").exists());
    let e = r.write_to(Path::new("relative.csv")).unwrap_err();
    assert!(e.message.contains("full path"), "{}", e.message);
}
