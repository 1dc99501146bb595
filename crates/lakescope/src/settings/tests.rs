use super::*;
use crate::cost::{ByteUnit, Prices, RequestPrices, StoragePrice};
use crate::findings::SchemaRule;
use crate::ErrorKind;

fn team() -> PriceProfile {
    PriceProfile {
        name: "team-hdfs".into(),
        description: "Our cluster: \"quoted\" and\nmultiline".into(),
        storage: StoragePrice { usd_per_month: 17.25, per: ByteUnit::TiB, replication: 3 },
        requests: RequestPrices { usd_per_1000_writes: 0.0051, usd_per_1000_reads: 0.1 + 0.2 },
        compute: Prices { usd_per_gib_hour: 0.0042371, usd_per_vcore_hour: 1e-7 },
    }
}

/// Every file under `dir`, to show a refusal wrote nothing.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(files(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn a_saved_profile_resolves_by_name_to_what_was_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let saved = save_profile(dir, &team()).unwrap();
    assert_eq!(saved.profile, team());
    assert_eq!(saved.path.as_deref(), Some(dir.join("prices/team-hdfs.toml").to_str().unwrap()));
    // What `--profile team-hdfs` reads with this config dir.
    assert_eq!(PriceProfile::resolve_in(&prices_dir(dir), Some("team-hdfs")).unwrap(), team());
    assert_eq!(PriceProfile::load_file(&dir.join("prices/team-hdfs.toml")).unwrap(), team());

    // Listed after the built-ins, chosen, then resolved as the app's profile.
    let s = load(dir);
    assert_eq!(s.active_profile, DEFAULT_PROFILE);
    let ids: Vec<_> = s.profiles.iter().map(|p| (p.id.as_str(), p.origin)).collect();
    assert_eq!(ids.last(), Some(&("team-hdfs", ProfileOrigin::User)));
    assert_eq!(ids.iter().filter(|(_, o)| *o == ProfileOrigin::BuiltIn).count(), PriceProfile::built_in().len());
    choose_profile(dir, "team-hdfs").unwrap();
    assert_eq!(resolve(dir).unwrap().1, team());
    assert_eq!(load(dir).active_profile, "team-hdfs");

    // Editing replaces it; deleting the chosen one goes back to the default.
    let cheaper = PriceProfile { storage: StoragePrice { usd_per_month: 1.0, ..team().storage }, ..team() };
    save_profile(dir, &cheaper).unwrap();
    assert_eq!(resolve(dir).unwrap().1, cheaper);
    delete_profile(dir, "team-hdfs").unwrap();
    assert_eq!(resolve(dir).unwrap().1.name, DEFAULT_PROFILE);
    assert!(load(dir).profiles.iter().all(|p| p.origin == ProfileOrigin::BuiltIn));
    let e = delete_profile(dir, "team-hdfs").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn bad_profiles_are_refused_with_the_field_named_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let with_storage = |f: &dyn Fn(&mut PriceProfile)| {
        let mut p = team();
        f(&mut p);
        p
    };
    let cases: Vec<(PriceProfile, &str)> = vec![
        (with_storage(&|p| p.storage.usd_per_month = -0.01), "storage.usd_per_month"),
        (with_storage(&|p| p.storage.usd_per_month = f64::NAN), "storage.usd_per_month"),
        (with_storage(&|p| p.storage.usd_per_month = f64::INFINITY), "storage.usd_per_month"),
        (with_storage(&|p| p.storage.replication = 0), "storage.replication"),
        (with_storage(&|p| p.requests.usd_per_1000_reads = -1.0), "requests.usd_per_1000_reads"),
        (with_storage(&|p| p.requests.usd_per_1000_writes = -1.0), "requests.usd_per_1000_writes"),
        (with_storage(&|p| p.compute.usd_per_gib_hour = -1.0), "compute.usd_per_gib_hour"),
        (with_storage(&|p| p.compute.usd_per_vcore_hour = -1.0), "compute.usd_per_vcore_hour"),
        (with_storage(&|p| p.name = String::new()), "a name is required"),
        (with_storage(&|p| p.name = "../escape".into()), "letters, digits"),
        (with_storage(&|p| p.name = "team.toml".into()), "letters, digits"),
        (with_storage(&|p| p.name = "onprem-hdfs".into()), "built-in"),
    ];
    for (p, key) in cases {
        let e = save_profile(dir, &p).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{key}: {}", e.message);
        assert!(e.message.contains(key), "{key}: {}", e.message);
    }
    assert_eq!(files(dir), Vec::<PathBuf>::new(), "nothing written on refusal");

    let e = choose_profile(dir, "no-such").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = delete_profile(dir, "aws-s3-standard").unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("built in"), "{}", e.message);
    assert_eq!(files(dir), Vec::<PathBuf>::new(), "nothing written on refusal");
}

#[test]
fn broken_user_files_and_a_vanished_choice_are_reported_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(prices_dir(dir)).unwrap();
    std::fs::write(prices_dir(dir).join("bad.toml"), "name = 'bad'\n[storage]\nusd_per_month = 'cheap'\nper = 'GB'\n").unwrap();
    std::fs::write(choice_path(dir), r#"{"profile": "gone"}"#).unwrap();
    std::fs::write(rules_path(dir), "unused_days = -3\n").unwrap();
    let s = load(dir);
    assert_eq!(s.broken_profiles.len(), 1);
    assert!(s.broken_profiles[0].path.ends_with("bad.toml"));
    assert_eq!(s.active_profile, DEFAULT_PROFILE);
    assert!(s.active_profile_error.unwrap().message.contains("gone"));
    assert!(s.rules_error.unwrap().message.contains("unused_days"));
    assert_eq!(s.rules, Rules::default());
    // The app refuses to price with a choice it cannot honour rather than silently using another.
    assert_eq!(resolve(dir).unwrap_err().kind, ErrorKind::NotFound);
}

#[test]
fn saved_rules_read_back_by_the_rules_file_reader_and_active_users_by_theirs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut rules = Rules { unused_days: 3, personal_prefix: "u_".into(), personal_retention_days: 14, ..Rules::default() };
    rules.schemas.insert("ods".into(), SchemaRule { retention_days: 365 });
    rules.schemas.insert("odd.name with space".into(), SchemaRule { retention_days: 0 });
    rules.compaction.min_files = 9;
    save_rules(dir, &rules, Some("user,team\nalice,data\nBob,platform")).unwrap();
    assert_eq!(Rules::load(&rules_path(dir)).unwrap(), rules, "`--rules` reads the same rules");
    let (resolved, _) = resolve(dir).unwrap();
    assert_eq!(resolved.active_users.as_deref(), Some(&["alice".to_string(), "bob".to_string()][..]));
    assert_eq!(Rules { active_users: None, ..resolved }, rules);
    let s = load(dir);
    assert_eq!(s.rules, rules);
    assert_eq!(s.active_users.as_deref(), Some("user,team\nalice,data\nBob,platform\n"));

    // No list any more: the file goes, and no owner counts as departed.
    save_rules(dir, &rules, None).unwrap();
    assert!(!active_users_path(dir).exists());
    assert_eq!(resolve(dir).unwrap().0.active_users, None);
}

#[test]
fn bad_rules_are_refused_with_the_key_named_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut negative = Rules { personal_retention_days: -1, ..Rules::default() };
    let e = save_rules(dir, &negative, None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("personal_retention_days"), "{}", e.message);
    negative = Rules { unused_days: -5, ..Rules::default() };
    assert!(save_rules(dir, &negative, None).unwrap_err().message.contains("unused_days"));
    let mut schema = Rules::default();
    schema.schemas.insert("ods".into(), SchemaRule { retention_days: -1 });
    assert!(save_rules(dir, &schema, None).unwrap_err().message.contains("schemas.ods.retention_days"));
    let mut unnamed = Rules::default();
    unnamed.schemas.insert(" ".into(), SchemaRule { retention_days: 1 });
    assert!(save_rules(dir, &unnamed, None).unwrap_err().message.contains("schema name"));
    let mut few = Rules::default();
    few.compaction.min_files = 1;
    assert!(save_rules(dir, &few, None).unwrap_err().message.contains("compaction.min_files"));
    let e = save_rules(dir, &Rules::default(), Some("# nobody\n")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("no user listed"), "{}", e.message);
    let e = save_rules(dir, &Rules::default(), Some("alice\nbob smith\n")).unwrap_err();
    assert!(e.message.contains("line 2"), "{}", e.message);
    assert_eq!(files(dir), Vec::<PathBuf>::new(), "nothing written on refusal");
}
