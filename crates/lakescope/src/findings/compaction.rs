//! Small-file partitions: where rewriting many small data files into few target-size ones pays.
//!
//! Compaction saves no stored bytes (the small files even stay until the next expire_snapshots /
//! VACUUM), so its payoff is not storage dollars: every full read of the partition opens fewer files —
//! fewer GET requests, less listing and planning work. Lakescope knows the file counts but not how often
//! a partition is read, so a finding states requests saved per read and their price per 1,000 reads
//! under the profile's request price, and puts $0 per month on it rather than a guess.

use serde::Serialize;
use ts_rs::TS;

use super::rules::Compaction;
use crate::model::TableFormat;

/// Iceberg's table property for the size rewrite_data_files and writers aim at.
const ICEBERG_TARGET: &str = "write.target-file-size-bytes";
/// Delta's table property for the size OPTIMIZE aims at.
const DELTA_TARGET: &str = "delta.targetFileSize";

/// What compacting one partition would change.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct CompactionPayoff {
    /// Data files in the partition now (current version).
    #[ts(type = "number")]
    pub data_files: u64,
    #[ts(type = "number")]
    pub data_bytes: u64,
    #[ts(type = "number")]
    pub avg_file_bytes: u64,
    #[ts(type = "number")]
    pub target_file_bytes: u64,
    /// Where the target comes from: the table property, or the rules' default for the format.
    pub target_from: String,
    /// `ceil(data_bytes / target_file_bytes)`: the files a rewrite would leave.
    #[ts(type = "number")]
    pub files_after: u64,
    /// Files (at least one GET request each) a full read of the partition no longer opens.
    #[ts(type = "number")]
    pub requests_saved_per_read: u64,
    /// What those requests cost per 1,000 full reads at the profile's read price (0 when it has none).
    pub usd_per_1000_reads: f64,
}

/// The target file size for a table: its own property when it parses as bytes, else the rules' default.
pub fn target_file_bytes(format: TableFormat, props: &std::collections::BTreeMap<String, String>, rules: &Compaction) -> Option<(u64, String)> {
    let (key, default) = match format {
        TableFormat::Iceberg => (ICEBERG_TARGET, rules.iceberg_target_file_bytes),
        TableFormat::Delta => (DELTA_TARGET, rules.delta_target_file_bytes),
        // No Spark SQL procedure compacts a plain Hive-style directory in place.
        TableFormat::Parquet => return None,
    };
    match props.get(key).and_then(|v| v.trim().parse::<u64>().ok()).filter(|v| *v > 0) {
        Some(v) => Some((v, format!("table property {key}"))),
        None => Some((default, format!("default for {format} (no {key} on the table)"))),
    }
}

/// The payoff of compacting `data_files` files of `data_bytes` in all, when the rule says it pays.
pub fn payoff(
    data_files: u64,
    data_bytes: u64,
    (target, target_from): (u64, &str),
    rules: &Compaction,
    usd_per_1000_reads: f64,
) -> Option<CompactionPayoff> {
    if data_files < rules.min_files || target == 0 {
        return None;
    }
    let avg = data_bytes / data_files;
    let files_after = data_bytes.div_ceil(target).max(1);
    if avg.saturating_mul(4) >= target.saturating_mul(3) || files_after >= data_files {
        return None;
    }
    let saved = data_files - files_after;
    Some(CompactionPayoff {
        data_files,
        data_bytes,
        avg_file_bytes: avg,
        target_file_bytes: target,
        target_from: target_from.to_string(),
        files_after,
        requests_saved_per_read: saved,
        usd_per_1000_reads: saved as f64 * usd_per_1000_reads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn many_small_files_pay_few_or_large_ones_do_not() {
        let r = Compaction::default();
        let t = (512 * MIB, "default");
        let p = payoff(24, 24 * MIB, t, &r, 0.0004).expect("24 files of 1 MiB");
        assert_eq!((p.files_after, p.requests_saved_per_read, p.avg_file_bytes), (1, 23, MIB));
        assert!((p.usd_per_1000_reads - 23.0 * 0.0004).abs() < 1e-12);
        assert_eq!(payoff(4, 4 * MIB, t, &r, 0.0).map(|p| p.files_after), None, "fewer than min_files");
        assert_eq!(payoff(6, 6 * 400 * MIB, t, &r, 0.0).map(|p| p.files_after), None, "average above 3/4 of the target");
        let p = payoff(6, 6 * 300 * MIB, t, &r, 0.0).expect("300 MiB files into 512 MiB ones");
        assert_eq!(p.files_after, 4);
    }

    #[test]
    fn the_table_property_wins_over_the_default() {
        let r = Compaction::default();
        let props = [("write.target-file-size-bytes".to_string(), "1048576".to_string())].into();
        assert_eq!(target_file_bytes(TableFormat::Iceberg, &props, &r).unwrap().0, MIB);
        assert_eq!(target_file_bytes(TableFormat::Delta, &props, &r).unwrap().0, 1 << 30);
        let bad = [("delta.targetFileSize".to_string(), "lots".to_string())].into();
        assert_eq!(target_file_bytes(TableFormat::Delta, &bad, &r).unwrap().0, 1 << 30);
        assert_eq!(target_file_bytes(TableFormat::Parquet, &props, &r), None);
    }
}
