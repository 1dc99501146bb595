//! Rewrite a just-written commit so it carries the plan's time instead of the wall clock, and seeded
//! ids instead of random ones. Only these fields change; every other field stays as the kernel wrote
//! it (key order may differ: JSON objects are unordered).

use std::path::Path;

use serde_json::Value;

use crate::demo::data::SplitMix;
use crate::error::{Error, Result, ResultExt};

/// What a commit is stamped with.
pub(super) struct Stamp<'a> {
    /// The commit's time: `commitInfo.timestamp`, `add.modificationTime`, `remove.deletionTimestamp`.
    pub timestamp_ms: i64,
    /// The table's creation time (`metaData.createdTime`).
    pub created_ms: i64,
    /// `commitInfo.txnId`.
    pub txn_id: String,
    /// `metaData.id`.
    pub table_id: &'a str,
    /// `metaData.description` (the kernel cannot set one).
    pub description: &'a str,
}

pub(super) fn rewrite_commit(path: &Path, stamp: &Stamp) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = String::with_capacity(text.len() + 128);
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut action: Value =
            serde_json::from_str(line).with_context(|| format!("{} line {}", path.display(), n + 1))?;
        stamp_action(&mut action, stamp);
        out.push_str(&serde_json::to_string(&action)?);
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| Error::from(e).context(format!("writing {}", path.display())))
}

fn stamp_action(action: &mut Value, s: &Stamp) {
    let Some(obj) = action.as_object_mut() else { return };
    let ts = Value::from(s.timestamp_ms);
    if let Some(ci) = obj.get_mut("commitInfo").and_then(Value::as_object_mut) {
        ci.insert("timestamp".into(), ts.clone());
        if ci.get("inCommitTimestamp").is_some_and(|v| !v.is_null()) {
            ci.insert("inCommitTimestamp".into(), ts.clone());
        }
        if ci.contains_key("txnId") {
            ci.insert("txnId".into(), Value::from(s.txn_id.clone()));
        }
    }
    if let Some(md) = obj.get_mut("metaData").and_then(Value::as_object_mut) {
        md.insert("id".into(), Value::from(s.table_id));
        md.insert("createdTime".into(), Value::from(s.created_ms));
        md.insert("description".into(), Value::from(s.description));
    }
    if let Some(add) = obj.get_mut("add").and_then(Value::as_object_mut) {
        add.insert("modificationTime".into(), ts.clone());
    }
    if let Some(rm) = obj.get_mut("remove").and_then(Value::as_object_mut) {
        rm.insert("deletionTimestamp".into(), ts);
    }
}

/// A version-4-shaped UUID drawn from a PRNG seeded by `name` and `n`: stable across builds.
pub(super) fn seeded_uuid(name: &str, n: u64) -> String {
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut rng = SplitMix::new(h ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let (a, b) = (rng.next(), rng.next());
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_uuids_are_stable_distinct_and_version_4() {
        let a = seeded_uuid("ods.t", 1);
        assert_eq!(a, seeded_uuid("ods.t", 1));
        assert_ne!(a, seeded_uuid("ods.t", 2));
        assert_ne!(a, seeded_uuid("ods.u", 1));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn stamping_replaces_only_times_and_ids() {
        let s = Stamp { timestamp_ms: 5, created_ms: 1, txn_id: "t".into(), table_id: "id", description: "d" };
        let mut ci: Value = serde_json::json!({"commitInfo": {"timestamp": 99, "operation": "WRITE", "txnId": "x"}});
        stamp_action(&mut ci, &s);
        assert_eq!(ci, serde_json::json!({"commitInfo": {"timestamp": 5, "operation": "WRITE", "txnId": "t"}}));
        let mut rm: Value = serde_json::json!({"remove": {"path": "a", "deletionTimestamp": 99, "size": 3}});
        stamp_action(&mut rm, &s);
        assert_eq!(rm, serde_json::json!({"remove": {"path": "a", "deletionTimestamp": 5, "size": 3}}));
        let mut md: Value = serde_json::json!({"metaData": {"id": "r", "createdTime": 99, "configuration": {}}});
        stamp_action(&mut md, &s);
        assert_eq!(
            md,
            serde_json::json!({"metaData": {"id": "id", "createdTime": 1, "description": "d", "configuration": {}}})
        );
    }
}
