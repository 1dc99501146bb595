//! Each rule on hand-made index rows, the built-in rules on the demo's layout, and bad rules files
//! pointing at the file and line to fix.

use super::*;
use crate::error::ErrorKind;
use crate::model::TableFormat;

fn table(source: &str, schema: &str, name: &str, owner: Option<&str>, comment: Option<&str>) -> IndexedTable {
    IndexedTable {
        source: source.into(),
        namespace: schema.into(),
        name: name.into(),
        source_kind: "delta".into(),
        format: TableFormat::Delta,
        location: format!("file:///lake/{schema}/{name}"),
        fingerprint: String::new(),
        layer: None,
        owner: owner.map(String::from),
        comment: comment.map(String::from),
        columns: Vec::new(),
        partition_columns: Vec::new(),
        records: None,
        data_files: 0,
        data_bytes: 0,
        total_bytes: 0,
        last_modified_ms: None,
        indexed_ms: 0,
    }
}

fn builtin() -> NamingRules {
    NamingRules::load(None).unwrap()
}

/// `(schema, table, rule)` of every violation, in report order.
fn found(report: &NamingReport) -> Vec<(String, String, NamingRule)> {
    report.schemas.iter().flat_map(|s| s.violations.iter().map(|v| (v.schema.clone(), v.table.clone(), v.rule))).collect()
}

fn v(schema: &str, table: &str, rule: NamingRule) -> (String, String, NamingRule) {
    (schema.into(), table.into(), rule)
}

#[test]
fn a_well_named_documented_lakehouse_has_no_violations() {
    let tables = [
        table("lake", "ods", "ods_orders", Some("data-eng"), Some("Orders")),
        table("lake", "mart", "mart_revenue", Some("finance"), Some("Revenue")),
        table("lake", "FACT", "Fact_Clicks", Some("web"), Some("Clicks")),
        table("lake", "usr_jdoe", "usr_jdoe_scratch", None, None),
    ];
    let r = lint(&builtin(), &tables);
    assert_eq!(found(&r), vec![]);
    assert_eq!((r.tables_checked, r.violation_count, r.schemas.len()), (4, 0, 4));
    assert_eq!(r.schemas.iter().map(|s| s.layer.clone().unwrap()).collect::<Vec<_>>(), ["fact", "mart", "ods", "personal"]);
}

#[test]
fn schema_rule_flags_schemas_in_no_layer_unless_allowed() {
    let tables = [table("lake", "staging", "tmp_x", Some("o"), Some("c")), table("lake", "raw", "x", None, None)];
    let r = lint(&builtin(), &tables);
    assert_eq!(found(&r), vec![v("raw", "x", NamingRule::Schema), v("staging", "tmp_x", NamingRule::Schema)]);
    assert!(r.schemas[0].violations[0].message.contains("\"raw\" is in no layer"), "{:?}", r.schemas[0]);
    assert_eq!(r.schemas[0].layer, None);

    let rules = NamingRules::parse("r.toml", &DEFAULT_RULES.replace("allowed_schemas = []", "allowed_schemas = [\"Staging\"]")).unwrap();
    assert_eq!(found(&lint(&rules, &tables)), vec![v("raw", "x", NamingRule::Schema)], "an allowed schema has no rules");
}

#[test]
fn prefix_rule_uses_the_layer_prefix_and_the_personal_schema_name() {
    let tables = [
        table("lake", "ods", "orders", Some("o"), Some("c")),
        table("lake", "mart", "ods_revenue", Some("o"), Some("c")),
        table("lake", "usr_jdoe", "usr_asmith_features", None, None),
        table("lake", "usr_jdoe", "jdoe_features", None, None),
        table("lake", "usr_", "usr__x", None, None),
    ];
    let r = lint(&builtin(), &tables);
    assert_eq!(
        found(&r),
        vec![
            v("mart", "ods_revenue", NamingRule::Prefix),
            v("ods", "orders", NamingRule::Prefix),
            v("usr_", "usr__x", NamingRule::Schema),
            v("usr_jdoe", "usr_asmith_features", NamingRule::Prefix),
            v("usr_jdoe", "jdoe_features", NamingRule::Prefix),
        ]
    );
    let msg = &r.schemas.iter().find(|s| s.schema == "usr_jdoe").unwrap().violations[0].message;
    assert_eq!(msg, "personal table \"usr_asmith_features\" should start with \"usr_jdoe_\"");
}

#[test]
fn owner_and_comment_rules_apply_per_layer_and_blank_counts_as_missing() {
    let tables = [
        table("lake", "ods", "ods_a", None, Some("c")),
        table("lake", "ods", "ods_b", Some("o"), Some("  ")),
        table("lake", "ods", "ods_c", Some(""), None),
        table("lake", "usr_jdoe", "usr_jdoe_x", None, None),
    ];
    let r = lint(&builtin(), &tables);
    assert_eq!(
        found(&r),
        vec![
            v("ods", "ods_a", NamingRule::Owner),
            v("ods", "ods_b", NamingRule::Comment),
            v("ods", "ods_c", NamingRule::Owner),
            v("ods", "ods_c", NamingRule::Comment),
        ]
    );
    assert_eq!(r.violation_count, 4);
    let custom = "[[layer]]\nname = \"sandbox\"\nschema = \"usr_<name>\"\nprefix = \"<name>_\"\nrequire_owner = true\n";
    let r = lint(&NamingRules::parse("c.toml", custom).unwrap(), &[table("l", "usr_jdoe", "jdoe_x", None, None)]);
    assert_eq!(found(&r), vec![v("usr_jdoe", "jdoe_x", NamingRule::Owner)], "`<name>` in a prefix is the schema's word");
}

#[test]
fn schemas_are_grouped_per_source() {
    let tables = [table("a", "ods", "x", Some("o"), Some("c")), table("b", "ods", "ods_y", Some("o"), Some("c"))];
    let r = lint(&builtin(), &tables);
    let groups: Vec<(&str, &str, u64, usize)> =
        r.schemas.iter().map(|s| (s.source.as_str(), s.schema.as_str(), s.tables, s.violations.len())).collect();
    assert_eq!(groups, [("a", "ods", 1, 1), ("b", "ods", 1, 0)]);
}

fn parse_err(text: &str) -> String {
    let e = NamingRules::parse("team/rules.toml", text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    e.to_string()
}

#[test]
fn bad_rules_files_name_the_file_and_line() {
    let syntax = "allowed_schemas = []\n\n[[layer]]\nname = \"ods\nschema = \"ods\"\n";
    assert!(parse_err(syntax).contains("team/rules.toml:4:"), "{}", parse_err(syntax));

    let typo = "[[layer]]\nname = \"ods\"\nschema = \"ods\"\nrequire_ownr = true\n";
    let e = parse_err(typo);
    assert!(e.contains("team/rules.toml:4:") && e.contains("require_ownr"), "{e}");

    let wrong_type = "[[layer]]\nname = \"ods\"\nschema = \"ods\"\n\nrequire_owner = \"yes\"\n";
    assert!(parse_err(wrong_type).contains("team/rules.toml:5:"), "{}", parse_err(wrong_type));

    let placeholder = "[[layer]]\nname = \"p\"\nschema = \"usr_<user>\"\n";
    let e = parse_err(placeholder);
    assert!(e.starts_with("team/rules.toml:3: layer \"p\": `schema` \"usr_<user>\""), "{e}");

    let name_without_name = "[[layer]]\nname = \"ods\"\nschema = \"ods\"\nprefix = \"<name>_\"\n";
    assert!(parse_err(name_without_name).starts_with("team/rules.toml:4: layer \"ods\": `prefix` uses `<name>`"));

    let twice = "[[layer]]\nname = \"ods\"\nschema = \"ods\"\n[[layer]]\nname = \"ODS\"\nschema = \"ods2\"\n";
    assert!(parse_err(twice).starts_with("team/rules.toml:5: layer \"ODS\" is defined twice"), "{}", parse_err(twice));

    let overlap = "allowed_schemas = [\n  \"tmp\",\n  \"usr_x\",\n]\n[[layer]]\nname = \"p\"\nschema = \"usr_<name>\"\n";
    assert!(parse_err(overlap).starts_with("team/rules.toml:3: allowed schema \"usr_x\""), "{}", parse_err(overlap));

    assert!(parse_err("allowed_schemas = [\"x\"]\n").starts_with("team/rules.toml: no [[layer]]"));
}

#[test]
fn a_missing_rules_file_is_not_found_and_named() {
    let e = NamingRules::load(Some(std::path::Path::new("/nonexistent/rules.toml"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("/nonexistent/rules.toml"), "{e}");
}

#[test]
fn rule_names_are_the_json_names() {
    for rule in [NamingRule::Schema, NamingRule::Prefix, NamingRule::Owner, NamingRule::Comment] {
        assert_eq!(serde_json::to_value(rule).unwrap(), rule.as_str());
    }
}
