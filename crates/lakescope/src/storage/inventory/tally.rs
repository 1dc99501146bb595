//! Per-prefix totals built while an inventory streams past: the same grouping `du` does on a listing
//! (a child is the key cut `depth` levels below the listed prefix, or the key itself when it lies less
//! deep), so an inventory and a listing of the same tree give the same rows. Memory grows with the
//! number of children, never with the number of rows; each reader thread keeps its own and they are
//! merged at the end.

use std::collections::{HashMap, HashSet};

use crate::storage::{DuChild, DuProgress, DuReport};

#[derive(Debug, Clone)]
pub(super) struct Agg {
    /// The listed prefix with its trailing `/` (empty: the whole bucket or namespace).
    base: String,
    depth: usize,
    pub totals: DuProgress,
    children: HashMap<String, (u64, u64, i64)>,
    prefixes: HashSet<String>,
}

impl Agg {
    pub fn new(prefix: &str, depth: usize) -> Self {
        let p = prefix.trim_matches('/');
        let base = if p.is_empty() { String::new() } else { format!("{p}/") };
        Agg { base, depth, totals: DuProgress::default(), children: HashMap::new(), prefixes: HashSet::new() }
    }

    /// Count one object, if it lies below the listed prefix. A key equal to the prefix itself (its
    /// directory marker) is not below it, as in a listing of that prefix.
    #[inline]
    pub fn add(&mut self, key: &str, size: u64, last_modified_ms: i64) {
        let Some(rel) = key.strip_prefix(self.base.as_str()) else { return };
        if rel.is_empty() {
            return;
        }
        self.totals.objects += 1;
        self.totals.bytes += size;
        if self.depth == 0 {
            return;
        }
        let name = match rel.match_indices('/').nth(self.depth - 1) {
            Some((i, _)) => {
                let name = &rel[..i];
                if !self.prefixes.contains(name) {
                    self.prefixes.insert(name.to_string());
                }
                name
            }
            None => rel,
        };
        match self.children.get_mut(name) {
            Some(c) => {
                c.0 += size;
                c.1 += 1;
                c.2 = c.2.max(last_modified_ms);
            }
            None => {
                self.children.insert(name.to_string(), (size, 1, last_modified_ms));
            }
        }
    }

    pub fn merge(&mut self, other: Agg) {
        self.totals.objects += other.totals.objects;
        self.totals.bytes += other.totals.bytes;
        self.prefixes.extend(other.prefixes);
        for (name, (b, o, m)) in other.children {
            let c = self.children.entry(name).or_insert((0, 0, i64::MIN));
            c.0 += b;
            c.1 += o;
            c.2 = c.2.max(m);
        }
    }

    /// The report, children sorted by name, and which children are prefixes.
    pub fn finish(self, uri: String) -> (DuReport, HashSet<String>) {
        let mut children: Vec<DuChild> = self
            .children
            .into_iter()
            .map(|(name, (bytes, objects, last_modified_ms))| DuChild { name, bytes, objects, last_modified_ms })
            .collect();
        children.sort_by(|a, b| a.name.cmp(&b.name));
        let report = DuReport { uri, total_bytes: self.totals.bytes, total_objects: self.totals.objects, children };
        (report, self.prefixes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_like_du_and_merges() {
        let mut a = Agg::new("wh/", 1);
        a.add("wh/", 0, 1);
        a.add("wh/t/x", 10, 5);
        a.add("wh-archive/t/x", 99, 5);
        a.add("wh/top", 7, 9);
        let mut b = Agg::new("wh", 1);
        b.add("wh/t/sub/y", 3, 8);
        b.add("wh/t/", 0, 2);
        a.merge(b);
        let (r, prefixes) = a.finish("s3://b/wh".into());
        let rows: Vec<_> = r.children.iter().map(|c| (c.name.as_str(), c.bytes, c.objects, c.last_modified_ms)).collect();
        assert_eq!(rows, [("t", 13, 3, 8), ("top", 7, 1, 9)], "`wh-archive/` is not under `wh/`; markers count");
        assert_eq!((r.total_bytes, r.total_objects), (20, 4));
        assert!(prefixes.contains("t") && !prefixes.contains("top"));
    }
}
