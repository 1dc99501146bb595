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

use super::score::{self, char_mask, Fuzziness, Term};
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

/// Distinct texts (column names, namespaces, owners repeat across thousands of tables): each is
/// scored once per query term, and tables refer to them by number.
#[derive(Default)]
struct Vocabulary {
    texts: Vec<Text>,
    ids: std::collections::HashMap<String, u32>,
}

impl Vocabulary {
    fn id(&mut self, s: &str) -> u32 {
        let key = s.to_ascii_lowercase();
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(Text::new(&key));
        self.ids.insert(key, id);
        id
    }

    /// Each text's weighted score for `term` (0: no match).
    fn scores(&self, term: &Term, weight: u32) -> Vec<u32> {
        self.texts.iter().map(|t| weighted(score::score(term, &t.lower, t.mask, Fuzziness::Full), weight)).collect()
    }
}

fn weighted(s: Option<(u32, score::MatchKind)>, weight: u32) -> u32 {
    s.map(|(s, _)| s * weight / 10).unwrap_or(0)
}

/// Many short texts in one buffer: text `i` is `bytes[ends[i - 1]..ends[i]]`. Scanning 100k names
/// then reads one contiguous buffer instead of chasing 100k heap pointers.
#[derive(Default)]
struct Arena {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    masks: Vec<u64>,
    /// Where each text's second word starts (after `_`, `.`, …), capped at 255: bounds its best
    /// word-start score without reading it.
    second_word: Vec<u8>,
}

impl Arena {
    fn push(&mut self, s: Option<&str>) {
        let lower = s.unwrap_or("").to_ascii_lowercase();
        self.bytes.extend_from_slice(lower.as_bytes());
        self.ends.push(self.bytes.len() as u32);
        self.masks.push(if s.is_some() { char_mask(lower.as_bytes()) } else { 0 });
        let b = lower.as_bytes();
        let second = (1..b.len()).find(|&i| score::is_sep(b[i - 1])).unwrap_or(255).min(255);
        self.second_word.push(second as u8);
    }

    fn len_of(&self, i: usize) -> usize {
        (self.ends[i] - if i == 0 { 0 } else { self.ends[i - 1] }) as usize
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }
}

/// No owner.
const NONE: u32 = u32::MAX;

/// The loaded index, ready to search. Per table (same position as in `tables`): its name and comment
/// in arenas, and numbers into the vocabularies for its namespace, columns and owner.
pub struct SearchIndex {
    tables: Vec<IndexedTable>,
    names: Arena,
    comments: Arena,
    namespace_ids: Vec<u32>,
    owner_ids: Vec<u32>,
    /// The columns of table `i` are `column_ids[column_ends[i - 1]..column_ends[i]]`.
    column_ids: Vec<u32>,
    column_ends: Vec<u32>,
    from_hms: Vec<bool>,
    namespaces: Vocabulary,
    columns: Vocabulary,
    owners: Vocabulary,
}

/// One query term with its scores over each vocabulary, computed once per query.
struct Prepared {
    term: Term,
    namespaces: Vec<u32>,
    columns: Vec<u32>,
    owners: Vec<u32>,
    /// The best weighted score of any namespace, column or owner: no table can get more from them.
    best_vocabulary: u32,
    /// Whether any namespace / column / owner matched at all (else their lookups are skipped).
    any_namespace: bool,
    any_column: bool,
    any_owner: bool,
}

/// Weights (tenths) per field: a name match outranks the same match in a column, owner or comment.
const NAME: u32 = 10;
const NAMESPACE: u32 = 7;
const COLUMN: u32 = 7;
const OWNER: u32 = 6;
const COMMENT: u32 = 5;
/// The best any other field can weigh (an exact column or namespace match): a name match at least this
/// good needs no look at the rest.
const BEST_OTHER: u32 = 1000 * COLUMN / 10;

impl SearchIndex {
    pub fn new(mut tables: Vec<IndexedTable>) -> SearchIndex {
        tables.sort_by(|a, b| (&a.source, &a.namespace, &a.name).cmp(&(&b.source, &b.namespace, &b.name)));
        let mut ix = SearchIndex {
            tables: Vec::new(),
            names: Arena::default(),
            comments: Arena::default(),
            namespace_ids: Vec::with_capacity(tables.len()),
            owner_ids: Vec::with_capacity(tables.len()),
            column_ids: Vec::new(),
            column_ends: Vec::with_capacity(tables.len()),
            from_hms: Vec::with_capacity(tables.len()),
            namespaces: Vocabulary::default(),
            columns: Vocabulary::default(),
            owners: Vocabulary::default(),
        };
        for t in &tables {
            ix.names.push(Some(&t.name));
            ix.comments.push(t.comment.as_deref());
            ix.namespace_ids.push(ix.namespaces.id(&t.namespace));
            ix.owner_ids.push(t.owner.as_deref().map(|o| ix.owners.id(o)).unwrap_or(NONE));
            for c in &t.columns {
                let id = ix.columns.id(&c.name);
                ix.column_ids.push(id);
            }
            ix.column_ends.push(ix.column_ids.len() as u32);
            ix.from_hms.push(t.source_kind == "hms");
        }
        ix.tables = tables;
        ix
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

    fn prepare(&self, query: &str) -> Vec<Prepared> {
        query
            .split_whitespace()
            .map(|t| {
                let term = Term::new(t);
                let (namespaces, columns, owners) = (
                    self.namespaces.scores(&term, NAMESPACE),
                    self.columns.scores(&term, COLUMN),
                    self.owners.scores(&term, OWNER),
                );
                let any = |v: &[u32]| v.iter().any(|&s| s > 0);
                let max = |v: &[u32]| v.iter().copied().max().unwrap_or(0);
                Prepared {
                    best_vocabulary: max(&namespaces).max(max(&columns)).max(max(&owners)),
                    any_namespace: any(&namespaces),
                    any_column: any(&columns),
                    any_owner: any(&owners),
                    namespaces,
                    columns,
                    owners,
                    term,
                }
            })
            .collect()
    }

    /// The best `limit` tables for `query` (whitespace-separated terms, all of which must match
    /// somewhere), best first. An empty query lists tables in name order.
    pub fn search(&self, query: &str, filters: &SearchFilters, limit: usize) -> Vec<Hit> {
        let terms = self.prepare(query);
        let format = filters.format.as_deref().map(str::to_ascii_lowercase);
        let owner = filters.owner.as_deref().map(str::to_ascii_lowercase);
        let unfiltered = *filters == SearchFilters::default();
        let keep = |i: usize| {
            let t = &self.tables[i];
            unfiltered
                || filters.source.as_deref().is_none_or(|s| t.source == s)
                && filters.layer.is_none_or(|l| t.layer == Some(l))
                && owner.as_deref().is_none_or(|o| t.owner.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(o)))
                && match format.as_deref() {
                    None => true,
                    Some("hive") => self.from_hms[i],
                    Some(f) => t.format.to_string() == f,
                }
        };
        if limit == 0 {
            return Vec::new();
        }
        if terms.is_empty() {
            return (0..self.tables.len()).filter(|&i| keep(i)).take(limit).map(|i| self.hit(i, 0, &[])).collect();
        }
        // Min-heap of the best `limit` so far; ties go to the earlier (name-ordered) table.
        let mut best: BinaryHeap<Reverse<(u32, Reverse<usize>)>> = BinaryHeap::with_capacity(limit + 1);
        for i in 0..self.tables.len() {
            if !keep(i) {
                continue;
            }
            // Once the heap is full, a table that cannot beat its worst is not scored: its bound comes
            // from character masks, lengths and word positions alone, so most tables of a short or
            // rare query are passed over without reading a byte of their text.
            let worst = if best.len() == limit { best.peek().map_or(0, |Reverse((w, _))| *w) } else { 0 };
            if self.bound(i, &terms) <= worst {
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
        ranked.into_iter().map(|(s, i)| self.hit(i, s, &terms)).collect()
    }

    /// An upper bound of [`Self::score_entry`] (see [`score::score`] for the scores it bounds).
    fn bound(&self, i: usize, terms: &[Prepared]) -> u32 {
        let mut total = 0;
        for p in terms {
            let t = &p.term.bytes;
            let missing = (p.term.mask & !self.names.masks[i]).count_ones();
            let name = match missing {
                0 => {
                    let len = self.names.len_of(i);
                    let first = self.names.bytes.get(if i == 0 { 0 } else { self.names.ends[i - 1] as usize });
                    if first == t.first() && len >= t.len() {
                        if len == t.len() { 1000 } else { 900 - (len - t.len()).min(90) as u32 }
                    } else {
                        let w = self.names.second_word[i] as u32;
                        if w < 255 { (800 - w.min(90)).max(699) } else { 699 }
                    }
                }
                1 if t.len() >= 4 => 250,
                _ => 0,
            };
            let comment = if p.term.mask & !self.comments.masks[i] == 0 { 1000 * COMMENT / 10 } else { 0 };
            total += name.max(p.best_vocabulary).max(comment);
        }
        total
    }

    /// Sum over terms of each term's best weighted field score; `None` when a term matches nothing.
    fn score_entry(&self, i: usize, terms: &[Prepared]) -> Option<u32> {
        let mut total = 0;
        for term in terms {
            total += self.best_field(i, term)?.0;
        }
        Some(total)
    }

    /// The best weighted score of one term in one table, and where it matched: the name, the
    /// namespace (`usize::MAX`), a column (its position), the owner or the comment.
    fn best_field(&self, i: usize, p: &Prepared) -> Option<(u32, Matched, usize)> {
        let name = weighted(score::score(&p.term, self.names.get(i), self.names.masks[i], Fuzziness::Full), NAME);
        if name >= BEST_OTHER {
            return Some((name, Matched::Name, 0));
        }
        let mut best = (name, Matched::Name, 0);
        let mut offer = |s: u32, m: Matched, at: usize| {
            if s > best.0 {
                best = (s, m, at);
            }
        };
        if p.any_namespace {
            offer(p.namespaces[self.namespace_ids[i] as usize], Matched::Name, usize::MAX);
        }
        if p.any_column {
            let start = if i == 0 { 0 } else { self.column_ends[i - 1] as usize };
            for (at, &c) in self.column_ids[start..self.column_ends[i] as usize].iter().enumerate() {
                offer(p.columns[c as usize], Matched::Column, at);
            }
        }
        if p.any_owner && self.owner_ids[i] != NONE {
            offer(p.owners[self.owner_ids[i] as usize], Matched::Owner, 0);
        }
        // Comments match only contiguously, so every letter of the term must be in them.
        if p.term.mask & !self.comments.masks[i] == 0 {
            let c = score::score(&p.term, self.comments.get(i), self.comments.masks[i], Fuzziness::Contiguous);
            offer(weighted(c, COMMENT), Matched::Comment, 0);
        }
        (best.0 > 0).then_some(best)
    }

    fn hit(&self, i: usize, score: u32, terms: &[Prepared]) -> Hit {
        let t = &self.tables[i];
        // What to show: the first term that matched outside the table's own name.
        let mut matched = Matched::Name;
        let mut matched_text = None;
        for term in terms {
            let Some((_, m, at)) = self.best_field(i, term) else { continue };
            let text = match m {
                Matched::Name if at == usize::MAX => Some(t.namespace.clone()),
                Matched::Name => None,
                Matched::Column => t.columns.get(at).map(|c| c.name.clone()),
                Matched::Comment => t.comment.clone(),
                Matched::Owner => t.owner.clone(),
            };
            if text.is_some() {
                matched = m;
                matched_text = text;
                break;
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
#[path = "search_tests.rs"]
mod tests;
