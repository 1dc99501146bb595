//! The in-memory search structure: built once from the index rows, then queried per keystroke.
//!
//! Every searchable text is lowercased once at build time and carries its character mask
//! ([`score::char_mask`]); a query term is checked against the name first, then the namespace,
//! columns, owner and comment, each rejected by one mask test when it lacks a letter of the term. The
//! best `limit` hits are kept in a bounded heap, so a one-letter query over 100k tables does not sort
//! 100k results. Filters (source, format, layer, owner) are plain comparisons done before any scoring.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::score::{self, char_mask, Fuzziness};
use super::{IndexedTable, Layer};
use crate::error::{Error, Result};
use crate::model::TableFormat;

/// Where a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Matched {
    /// The table's name (or its namespace).
    Name,
    Column,
    Comment,
    Owner,
}

/// Narrowing a search; every filter that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchFilters {
    #[serde(default)]
    pub source: Option<String>,
    /// `iceberg`, `delta`, `parquet`, or `hive` (tables registered in a Hive Metastore source).
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub layer: Option<Layer>,
    /// Owner, compared case-insensitively.
    #[serde(default)]
    pub owner: Option<String>,
}

impl SearchFilters {
    /// Reject a format filter that can never match, naming the accepted values.
    pub fn validate(&self) -> Result<()> {
        match self.format.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("iceberg" | "delta" | "parquet" | "hive") => Ok(()),
            Some(other) => Err(Error::invalid(format!("format {other:?} is not one of iceberg, delta, hive, parquet"))),
        }
    }
}

/// One search result: the table, what matched, and what the quick-open list shows beside it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Hit {
    pub source: String,
    pub namespace: String,
    pub name: String,
    pub format: TableFormat,
    pub matched: Matched,
    /// The column, comment, owner or namespace that matched (none when the name did).
    pub matched_text: Option<String>,
    pub score: u32,
    pub layer: Option<Layer>,
    pub owner: Option<String>,
    #[ts(type = "number | null")]
    pub records: Option<u64>,
    #[ts(type = "number")]
    pub data_bytes: u64,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number | null")]
    pub last_modified_ms: Option<i64>,
    pub location: String,
}

/// A lowercased text and its character mask.
struct Text {
    lower: Box<[u8]>,
    mask: u64,
}

impl Text {
    fn new(s: &str) -> Text {
        let lower: Box<[u8]> = s.to_ascii_lowercase().into_bytes().into();
        let mask = char_mask(&lower);
        Text { lower, mask }
    }
}

struct Entry {
    name: Text,
    namespace: Text,
    columns: Vec<Text>,
    /// Union of the columns' masks: a term no column could hold skips them all.
    columns_mask: u64,
    owner: Option<Text>,
    comment: Option<Text>,
    from_hms: bool,
}

/// The loaded index, ready to search.
pub struct SearchIndex {
    tables: Vec<IndexedTable>,
    entries: Vec<Entry>,
}

/// Weights (tenths) per field: a name match outranks the same match in a column, owner or comment.
const NAME: u32 = 10;
const NAMESPACE: u32 = 7;
const COLUMN: u32 = 7;
const OWNER: u32 = 6;
const COMMENT: u32 = 5;

impl SearchIndex {
    pub fn new(mut tables: Vec<IndexedTable>) -> SearchIndex {
        tables.sort_by(|a, b| (&a.source, &a.namespace, &a.name).cmp(&(&b.source, &b.namespace, &b.name)));
        let entries = tables
            .iter()
            .map(|t| {
                let columns: Vec<Text> = t.columns.iter().map(|c| Text::new(&c.name)).collect();
                Entry {
                    name: Text::new(&t.name),
                    namespace: Text::new(&t.namespace),
                    columns_mask: columns.iter().fold(0, |m, c| m | c.mask),
                    columns,
                    owner: t.owner.as_deref().map(Text::new),
                    comment: t.comment.as_deref().map(Text::new),
                    from_hms: t.source_kind == "hms",
                }
            })
            .collect();
        SearchIndex { tables, entries }
    }

    pub fn len(&self) -> usize {
        self.tables.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub fn tables(&self) -> &[IndexedTable] {
        &self.tables
    }

    /// The best `limit` tables for `query` (whitespace-separated terms, all of which must match
    /// somewhere), best first. An empty query lists tables in name order.
    pub fn search(&self, query: &str, filters: &SearchFilters, limit: usize) -> Vec<Hit> {
        let terms: Vec<Vec<u8>> = query.split_whitespace().map(|t| t.to_ascii_lowercase().into_bytes()).collect();
        let format = filters.format.as_deref().map(str::to_ascii_lowercase);
        let owner = filters.owner.as_deref().map(str::to_ascii_lowercase);
        let keep = |i: usize| {
            let (t, e) = (&self.tables[i], &self.entries[i]);
            filters.source.as_deref().is_none_or(|s| t.source == s)
                && filters.layer.is_none_or(|l| t.layer == Some(l))
                && owner.as_deref().is_none_or(|o| t.owner.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(o)))
                && match format.as_deref() {
                    None => true,
                    Some("hive") => e.from_hms,
                    Some(f) => t.format.to_string() == f,
                }
        };
        if limit == 0 {
            return Vec::new();
        }
        if terms.is_empty() {
            return (0..self.tables.len()).filter(|&i| keep(i)).take(limit).map(|i| self.hit(i, 0, None)).collect();
        }
        // Min-heap of the best `limit` so far; ties go to the earlier (name-ordered) table.
        let mut best: BinaryHeap<Reverse<(u32, Reverse<usize>)>> = BinaryHeap::with_capacity(limit + 1);
        for i in 0..self.entries.len() {
            if !keep(i) {
                continue;
            }
            let Some(total) = self.score_entry(i, &terms) else { continue };
            if best.len() == limit {
                let Reverse((worst, _)) = best.peek().expect("limit > 0");
                if total <= *worst {
                    continue;
                }
                best.pop();
            }
            best.push(Reverse((total, Reverse(i))));
        }
        let mut ranked: Vec<(u32, usize)> = best.into_iter().map(|Reverse((s, Reverse(i)))| (s, i)).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.into_iter().map(|(s, i)| self.hit(i, s, Some(&terms))).collect()
    }

    /// Sum over terms of each term's best weighted field score; `None` when a term matches nothing.
    fn score_entry(&self, i: usize, terms: &[Vec<u8>]) -> Option<u32> {
        let mut total = 0;
        for term in terms {
            total += self.best_field(i, term)?.0;
        }
        Some(total)
    }

    /// The best weighted score of one term in one table, and where it matched (field, index of column).
    fn best_field(&self, i: usize, term: &[u8]) -> Option<(u32, Matched, usize)> {
        let e = &self.entries[i];
        let on = |t: &Text, fuzz| score::score(term, &t.lower, t.mask, fuzz).map(|(s, _)| s);
        let mut best: Option<(u32, Matched, usize)> = None;
        let offer = |best: &mut Option<(u32, Matched, usize)>, s: Option<u32>, weight: u32, m: Matched, at: usize| {
            if let Some(s) = s {
                let w = s * weight / 10;
                if best.is_none_or(|b| w > b.0) {
                    *best = Some((w, m, at));
                }
            }
        };
        offer(&mut best, on(&e.name, Fuzziness::Full), NAME, Matched::Name, usize::MAX);
        // Nothing elsewhere can beat an exact or prefix name match after weighting.
        if best.is_some_and(|b| b.0 >= 900 * NAME / 10) {
            return best;
        }
        offer(&mut best, on(&e.namespace, Fuzziness::Full), NAMESPACE, Matched::Name, usize::MAX - 1);
        let term_mask = char_mask(term);
        // A typo may miss one letter; only skip the columns when more than one is absent from all.
        if (term_mask & !e.columns_mask).count_ones() <= 1 {
            for (c, text) in e.columns.iter().enumerate() {
                offer(&mut best, on(text, Fuzziness::Full), COLUMN, Matched::Column, c);
            }
        }
        if let Some(o) = &e.owner {
            offer(&mut best, on(o, Fuzziness::Full), OWNER, Matched::Owner, 0);
        }
        if let Some(c) = &e.comment {
            offer(&mut best, on(c, Fuzziness::Contiguous), COMMENT, Matched::Comment, 0);
        }
        best
    }

    fn hit(&self, i: usize, score: u32, terms: Option<&[Vec<u8>]>) -> Hit {
        let t = &self.tables[i];
        // What to show: the first term's best field, or any non-name field a later term matched.
        let mut matched = Matched::Name;
        let mut matched_text = None;
        for term in terms.unwrap_or_default() {
            let Some((_, m, at)) = self.best_field(i, term) else { continue };
            let text = match m {
                Matched::Name if at == usize::MAX - 1 => Some(t.namespace.clone()),
                Matched::Name => None,
                Matched::Column => t.columns.get(at).map(|c| c.name.clone()),
                Matched::Comment => t.comment.clone(),
                Matched::Owner => t.owner.clone(),
            };
            if matched_text.is_none() && (m != Matched::Name || text.is_some()) {
                matched = m;
                matched_text = text;
            }
        }
        Hit {
            source: t.source.clone(),
            namespace: t.namespace.clone(),
            name: t.name.clone(),
            format: t.format,
            matched,
            matched_text,
            score,
            layer: t.layer,
            owner: t.owner.clone(),
            records: t.records,
            data_bytes: t.data_bytes,
            total_bytes: t.total_bytes,
            last_modified_ms: t.last_modified_ms,
            location: t.location.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn limit_keeps_the_best() {
        let ix = index();
        let all = ix.search("_", &SearchFilters::default(), 10);
        let two = ix.search("_", &SearchFilters::default(), 2);
        assert_eq!(names(&two), names(&all[..2]));
        assert!(ix.search("o", &SearchFilters::default(), 0).is_empty());
    }
}
