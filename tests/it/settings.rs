//! The app's costs-and-findings settings, saved by the engine exactly as Settings saves them, then read
//! by the CLI: `--profile NAME` finds the saved profile in the config dir and every dollar of `overview`
//! and `findings` is the demo's bytes (summed from `lakescope table --json`, itself truth-tested) times
//! the saved prices; the saved rules file given to `--rules` (with the active users to
//! `--active-users`) yields the same findings the engine computes from the rules in memory.

use std::path::Path;
use std::process::Command;

use lakescope::cost::{ByteUnit, PriceProfile, Prices, RequestPrices, StoragePrice};
use lakescope::findings::{Rules, SchemaRule};
use serde_json::Value;

use crate::support::{cli, cli_json, demo, repo_root, AS_OF};

const AS_OF_MS: i64 = 1_796_040_000_000; // 2026-11-30T12:00:00Z
const TIB: f64 = 1_099_511_627_776.0;

/// The CLI with `config` as its config dir (where the settings were saved).
fn cli_in(config: &Path, args: &[&str]) -> Value {
    let mut c: Command = cli();
    let out = c.env("XDG_CONFIG_HOME", config).args(args).arg("--json").output().expect("run lakescope");
    assert!(out.status.success(), "lakescope {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_profile_saved_in_settings_prices_the_cli_overview_and_findings() {
    let d = demo();
    let s = d.sources_arg();
    let home = tempfile::tempdir().unwrap();
    let profile = PriceProfile {
        name: "team-tib".into(),
        description: "two copies at $7.50 per TiB-month".into(),
        storage: StoragePrice { usd_per_month: 7.5, per: ByteUnit::TiB, replication: 2 },
        requests: RequestPrices { usd_per_1000_writes: 0.01, usd_per_1000_reads: 0.001 },
        compute: Prices { usd_per_gib_hour: 0.005, usd_per_vcore_hour: 0.04 },
    };
    lakescope::settings::save_profile(&home.path().join("lakescope"), &profile).unwrap();
    let at = ["--sources", s.as_str(), "--as-of", AS_OF];

    // Independently: every table's bytes from `lakescope table`, priced by hand.
    let tables = cli_json(&["--sources", &s, "tables"]);
    let mut total = 0u64;
    for t in tables.as_array().unwrap() {
        let name = format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        total += cli_json(&[&at[..], &["table", name.as_str()]].concat())["storage"]["total_bytes"].as_u64().unwrap();
    }
    let by_hand = total as f64 * 2.0 / TIB * 7.5;

    let o = cli_in(home.path(), &[&at[..], &["overview", "--profile", "team-tib"]].concat());
    assert_eq!(o["profile"], "team-tib");
    assert_eq!(o["total_bytes"].as_u64().unwrap(), total);
    let usd = o["usd_per_month"].as_f64().unwrap();
    assert!(by_hand > 0.0 && (usd - by_hand).abs() <= 1e-9 * by_hand, "overview ${usd}, by hand ${by_hand}");

    let f = cli_in(home.path(), &[&at[..], &["findings", "--profile", "team-tib"]].concat());
    let findings = f["findings"].as_array().unwrap();
    assert!(findings.iter().any(|x| x["usd_per_month"].as_f64().unwrap() > 0.0), "the demo has priced findings");
    for x in findings {
        let want = x["bytes"].as_u64().unwrap() as f64 * 2.0 / TIB * 7.5;
        let got = x["usd_per_month"].as_f64().unwrap();
        assert!((got - want).abs() <= 1e-9 * want.max(1e-12), "{}: ${got}, by hand ${want}", x["table"]);
    }
    assert_eq!(o["findings"], f["findings"]);

    // Without the saved profile the name means nothing: the config dir is what `--profile` read.
    let out = cli().args([&at[..], &["overview", "--profile", "team-tib", "--json"]].concat()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("team-tib"));
}

#[test]
fn rules_saved_in_settings_give_the_cli_the_findings_the_engine_computes_from_them() {
    let d = demo();
    let s = d.sources_arg();
    let dir = tempfile::tempdir().unwrap();
    let mut rules = Rules { unused_days: 1, personal_retention_days: 2, ..Rules::default() };
    rules.schemas.insert("mart".into(), SchemaRule { retention_days: 1 });
    rules.compaction.min_files = 2;
    lakescope::settings::save_rules(dir.path(), &rules, Some("user\nnobody-here\n")).unwrap();
    let rules_file = lakescope::settings::rules_path(dir.path());
    let users_file = lakescope::settings::active_users_path(dir.path());

    let at = ["--sources", s.as_str(), "--as-of", AS_OF, "findings", "--profile", "onprem-hdfs"];
    let cli_report = cli_json(&[&at[..], &["--rules", rules_file.to_str().unwrap(), "--active-users", users_file.to_str().unwrap()]].concat());
    let defaults = cli_json(&at);

    let (saved_rules, profile) = {
        let mut r = rules.clone();
        r.active_users = Some(vec!["nobody-here".into()]);
        (r, PriceProfile::resolve(Some("onprem-hdfs")).unwrap())
    };
    let ls = lakescope::Lakescope::from_sources_file(&d.sources).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = rt.block_on(ls.findings(&saved_rules, &profile, &lakescope::table::ReadOptions { as_of_ms: AS_OF_MS }));
    // Through the JSON text both ways, as the CLI prints it (serde_json's float parsing is not always
    // correctly rounded, so a value converted directly can differ in the last bit).
    let engine: Value = serde_json::from_str(&serde_json::to_string(&engine).unwrap()).unwrap();
    assert_eq!(cli_report["findings"], engine["findings"], "the saved files read back to the same rules");
    assert_ne!(cli_report["findings"], defaults["findings"], "the saved rules change what is found");
    let kinds: Vec<&str> = cli_report["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    // jdoe (the demo's usr_jdoe) is not on the saved list.
    assert!(kinds.contains(&"departed_owner"), "{kinds:?}");
}

/// `lakescope spark --profile NAME` prices executors with the saved profile's compute prices, as the
/// app's Spark page does with the chosen profile; `--usd-per-*` still override one price.
#[test]
fn a_saved_profile_prices_spark_executors_and_explicit_prices_override_it() {
    let home = tempfile::tempdir().unwrap();
    let profile = PriceProfile {
        name: "team-compute".into(),
        description: String::new(),
        storage: StoragePrice { usd_per_month: 23.0, per: ByteUnit::TB, replication: 1 },
        requests: RequestPrices::default(),
        compute: Prices { usd_per_gib_hour: 0.0125, usd_per_vcore_hour: 0.0875 },
    };
    lakescope::settings::save_profile(&home.path().join("lakescope"), &profile).unwrap();
    let log = repo_root().join("assets/spark/logs/overallocated");
    let log = log.to_str().unwrap();
    let cost = |args: &[&str]| {
        let apps = cli_in(home.path(), &[&["spark", log][..], args].concat());
        apps[0]["memory"]["cost"].clone()
    };
    let by_profile = cost(&["--profile", "team-compute"]);
    assert_eq!(by_profile, cost(&["--usd-per-gib-hour", "0.0125", "--usd-per-vcore-hour", "0.0875"]));
    assert_ne!(by_profile, cost(&[]), "the default prices differ");
    assert_eq!(
        cost(&["--profile", "team-compute", "--usd-per-gib-hour", "0.001"]),
        cost(&["--usd-per-gib-hour", "0.001", "--usd-per-vcore-hour", "0.0875"]),
        "an explicit price overrides the profile's"
    );
    let out = cli().args(["spark", log, "--profile", "no-such-profile", "--json"]).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no-such-profile"));
}
