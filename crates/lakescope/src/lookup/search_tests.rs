//! Ranking, filters, what-matched and the skip bound of [`super::SearchIndex`].

use super::*;
use crate::lookup::IndexedColumn;

fn table(source: &str, ns: &str, name: &str, cols: &[&str], owner: Option<&str>, comment: Option<&str>) -> IndexedTable {
    IndexedTable {
        source: source.into(),
        namespace: ns.into(),
        name: name.into(),
        source_kind: if source == "hms" { "hms".into() } else { "delta".into() },
        format: TableFormat::Delta,
        location: format!("file:///lake/{ns}/{name}"),
        fingerprint: "v1".into(),
        layer: Layer::of(ns, name),
        owner: owner.map(Into::into),
        comment: comment.map(Into::into),
        columns: cols.iter().map(|c| IndexedColumn { name: c.to_string(), data_type: "long".into(), comment: None }).collect(),
        partition_columns: Vec::new(),
        records: Some(1),
        data_files: 1,
        data_bytes: 10,
        total_bytes: 20,
        last_modified_ms: Some(0),
        indexed_ms: 0,
    }
}

fn index() -> SearchIndex {
    SearchIndex::new(vec![
        table("lake", "ods", "ods_orders", &["order_id", "customer_id"], Some("data-eng"), Some("Raw order lines")),
        table("lake", "mart", "mart_customer_ltv", &["customer_id", "ltv"], Some("finance"), None),
        table("lake", "usr_jdoe", "usr_jdoe_churn", &["churn_score"], Some("jdoe"), Some("scratch for the churn model")),
        table("hms", "fact", "fact_payments", &["payment_id", "amount_eur"], Some("finance"), None),
    ])
}

fn names(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.name.as_str()).collect()
}

#[test]
fn name_matches_rank_above_column_matches() {
    let hits = index().search("customer", &SearchFilters::default(), 10);
    assert_eq!(names(&hits), ["mart_customer_ltv", "ods_orders"]);
    assert_eq!(hits[0].matched, Matched::Name);
    assert_eq!((hits[1].matched, hits[1].matched_text.as_deref()), (Matched::Column, Some("customer_id")));
}

#[test]
fn finds_by_column_comment_and_owner_and_says_what_matched() {
    let ix = index();
    let f = SearchFilters::default();
    let h = &ix.search("amount_eur", &f, 5)[0];
    assert_eq!((h.name.as_str(), h.matched, h.matched_text.as_deref()), ("fact_payments", Matched::Column, Some("amount_eur")));
    let h = &ix.search("model", &f, 5)[0];
    assert_eq!((h.name.as_str(), h.matched), ("usr_jdoe_churn", Matched::Comment));
    let h = &ix.search("data-eng", &f, 5)[0];
    assert_eq!((h.name.as_str(), h.matched, h.matched_text.as_deref()), ("ods_orders", Matched::Owner, Some("data-eng")));
    assert!(ix.search("zzzz", &f, 5).is_empty());
}

#[test]
fn every_term_must_match_and_typos_are_forgiven() {
    let ix = index();
    let f = SearchFilters::default();
    assert_eq!(names(&ix.search("finance ltv", &f, 5)), ["mart_customer_ltv"]);
    assert_eq!(names(&ix.search("paymnts", &f, 5)), ["fact_payments"]);
    assert_eq!(names(&ix.search("ordres", &f, 5)), ["ods_orders"]);
}

#[test]
fn filters_narrow_before_scoring() {
    let ix = index();
    let by = |f: SearchFilters| names(&ix.search("", &f, 10)).into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(by(SearchFilters { layer: Some(Layer::Personal), ..Default::default() }), ["usr_jdoe_churn"]);
    assert_eq!(by(SearchFilters { owner: Some("FINANCE".into()), ..Default::default() }), ["fact_payments", "mart_customer_ltv"]);
    assert_eq!(by(SearchFilters { format: Some("hive".into()), ..Default::default() }), ["fact_payments"]);
    assert_eq!(by(SearchFilters { source: Some("lake".into()), format: Some("iceberg".into()), ..Default::default() }), Vec::<String>::new());
    let bad = SearchFilters { format: Some("csv".into()), ..Default::default() };
    assert!(bad.validate().unwrap_err().message.contains("csv"));
}

/// The bound that skips tables must never skip one that belongs in the top: compare with scoring
/// every table, keystroke by keystroke, on synthetic rows shaped like a platform.
#[test]
fn skipping_by_bound_returns_what_scoring_everything_does() {
    let ix = SearchIndex::new(crate::bench::search::synthetic_rows(3000));
    let typed = ["customer_id", "ods_orders", "revenue eur", "paymnts", "finance-analytics", "churn model", "zq", "dim o"];
    for t in typed {
        for k in 1..=t.len() {
            let q = &t[..k];
            let terms = ix.prepare(q);
            let mut all: Vec<(u32, usize)> =
                (0..ix.len()).filter_map(|i| ix.score_entry(i, &terms).map(|s| (s, i))).collect();
            all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let want: Vec<(u32, String)> = all.iter().take(15).map(|&(s, i)| (s, ix.tables[i].qualified_name())).collect();
            let got: Vec<(u32, String)> = ix
                .search(q, &SearchFilters::default(), 15)
                .into_iter()
                .map(|h| (h.score, format!("{}.{}.{}", h.source, h.namespace, h.name)))
                .collect();
            assert_eq!(got, want, "query {q:?}");
        }
    }
}

#[test]
fn limit_keeps_the_best() {
    let ix = index();
    let all = ix.search("_", &SearchFilters::default(), 10);
    let two = ix.search("_", &SearchFilters::default(), 2);
    assert_eq!(names(&two), names(&all[..2]));
    assert!(ix.search("o", &SearchFilters::default(), 0).is_empty());
}
