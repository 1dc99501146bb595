//! What the cluster manager reserves per executor and for the driver, from the application's resource
//! profiles and Spark properties, following Spark's own rules (FORMATS.md):
//! heap + off-heap + overhead + PySpark memory, where the overhead is `memoryOverhead` when set, else
//! max(int(memoryOverheadFactor × heap MiB), minMemoryOverhead MiB) — 0.1 and 384 MiB by default, 0.4 for
//! non-JVM (Python/R) jobs on Kubernetes.

use std::collections::BTreeMap;

use crate::model::Allocation;

const MIB: u64 = 1024 * 1024;

/// Spark's `byteStringAs`: a number with an optional unit suffix (`b`, `k`/`kb`, `m`/`mb`, `g`/`gb`,
/// `t`/`tb`, `p`/`pb`, any case); a bare number is in `default_unit` bytes.
pub fn parse_size(text: &str, default_unit: u64) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit_bytes = match unit.trim() {
        "" => default_unit,
        "b" => 1,
        "k" | "kb" => 1 << 10,
        "m" | "mb" => 1 << 20,
        "g" | "gb" => 1 << 30,
        "t" | "tb" => 1 << 40,
        "p" | "pb" => 1 << 50,
        _ => return None,
    };
    if num.contains('.') {
        return None; // Spark rejects fractions here too
    }
    num.parse::<u64>().ok()?.checked_mul(unit_bytes)
}

/// Properties and resource profiles of one application.
pub struct MemoryConf<'a> {
    pub props: &'a BTreeMap<String, String>,
    /// Resource profile id → executor resource name → amount (MiB for memory resources).
    pub profiles: &'a BTreeMap<i32, BTreeMap<String, f64>>,
}

impl MemoryConf<'_> {
    fn mib(&self, key: &str) -> Option<u64> {
        self.props.get(key).and_then(|v| parse_size(v, MIB)).map(|b| b / MIB)
    }

    fn factor(&self, key: &str) -> f64 {
        if let Some(f) = self.props.get(key).and_then(|v| v.trim().parse::<f64>().ok()) {
            return f;
        }
        let k8s = self.props.get("spark.master").is_some_and(|m| m.starts_with("k8s://"));
        let non_jvm = self.props.get("spark.kubernetes.resource.type").is_some_and(|t| t == "python" || t == "r");
        if k8s && non_jvm { 0.4 } else { 0.1 }
    }

    fn offheap_mib(&self) -> u64 {
        let enabled = self.props.get("spark.memory.offHeap.enabled").is_some_and(|v| v.trim() == "true");
        if !enabled {
            return 0;
        }
        // spark.memory.offHeap.size is a bytes setting (bare numbers are bytes).
        self.props.get("spark.memory.offHeap.size").and_then(|v| parse_size(v, 1)).map(|b| b / MIB).unwrap_or(0)
    }

    /// An executor of resource profile `rp`.
    pub fn executor(&self, rp: i32) -> Allocation {
        let profile = self.profiles.get(&rp).or_else(|| self.profiles.get(&0));
        let from_rp = |name: &str| profile.and_then(|p| p.get(name)).map(|a| a.max(0.0) as u64);
        let heap = from_rp("memory").or_else(|| self.mib("spark.executor.memory")).unwrap_or(1024);
        let offheap = from_rp("offHeap").unwrap_or_else(|| self.offheap_mib());
        let explicit = from_rp("memoryOverhead").or_else(|| self.mib("spark.executor.memoryOverhead"));
        let min = self.mib("spark.executor.minMemoryOverhead").unwrap_or(384);
        let overhead = explicit.unwrap_or_else(|| ((self.factor("spark.executor.memoryOverheadFactor") * heap as f64) as u64).max(min));
        let pyspark = from_rp("pyspark.memory").or_else(|| self.mib("spark.executor.pyspark.memory")).unwrap_or(0);
        allocation(heap, offheap, overhead, explicit.is_some(), pyspark)
    }

    /// The driver: the same rule with the driver's settings (no PySpark memory setting exists for it).
    pub fn driver(&self) -> Allocation {
        let heap = self.mib("spark.driver.memory").unwrap_or(1024);
        let explicit = self.mib("spark.driver.memoryOverhead");
        let min = self.mib("spark.driver.minMemoryOverhead").unwrap_or(384);
        let overhead = explicit.unwrap_or_else(|| ((self.factor("spark.driver.memoryOverheadFactor") * heap as f64) as u64).max(min));
        allocation(heap, self.offheap_mib(), overhead, explicit.is_some(), 0)
    }
}

fn allocation(heap: u64, offheap: u64, overhead: u64, explicit: bool, pyspark: u64) -> Allocation {
    Allocation {
        heap_bytes: heap * MIB,
        offheap_bytes: offheap * MIB,
        overhead_bytes: overhead * MIB,
        overhead_explicit: explicit,
        pyspark_bytes: pyspark * MIB,
        total_bytes: (heap + offheap + overhead + pyspark) * MIB,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn sizes_as_spark_reads_them() {
        assert_eq!(parse_size("512m", MIB), Some(512 * MIB));
        assert_eq!(parse_size("1g", MIB), Some(1024 * MIB));
        assert_eq!(parse_size("1500", MIB), Some(1500 * MIB));
        assert_eq!(parse_size("128m", 1), Some(128 * MIB));
        assert_eq!(parse_size("2GB", MIB), Some(2048 * MIB));
        assert_eq!(parse_size("1.5g", MIB), None);
        assert_eq!(parse_size("lots", MIB), None);
    }

    #[test]
    fn default_overhead_is_max_of_factor_and_minimum() {
        let props = conf(&[("spark.executor.memory", "16g")]);
        let profiles = BTreeMap::new();
        let a = MemoryConf { props: &props, profiles: &profiles }.executor(0);
        assert_eq!(a.heap_bytes, 16384 * MIB);
        assert_eq!(a.overhead_bytes, 1638 * MIB, "int(0.1 × 16384 MiB)");
        assert!(!a.overhead_explicit);
        let props = conf(&[("spark.executor.memory", "512m")]);
        let a = MemoryConf { props: &props, profiles: &profiles }.executor(0);
        assert_eq!(a.overhead_bytes, 384 * MIB);
        assert_eq!(a.total_bytes, 896 * MIB);
    }

    #[test]
    fn resource_profile_wins_and_lists_explicit_settings() {
        let props = conf(&[("spark.executor.memory", "1g")]);
        let mut rp = BTreeMap::new();
        rp.insert(
            0,
            [("memory", 1500.0), ("offHeap", 128.0), ("memoryOverhead", 512.0), ("pyspark.memory", 600.0)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        );
        let a = MemoryConf { props: &props, profiles: &rp }.executor(0);
        assert_eq!((a.heap_bytes, a.offheap_bytes, a.overhead_bytes, a.pyspark_bytes), (1500 * MIB, 128 * MIB, 512 * MIB, 600 * MIB));
        assert!(a.overhead_explicit);
        assert_eq!(a.total_bytes, 2740 * MIB);
    }

    #[test]
    fn driver_and_kubernetes_python_factor() {
        let props = conf(&[
            ("spark.driver.memory", "8g"),
            ("spark.master", "k8s://https://api:6443"),
            ("spark.kubernetes.resource.type", "python"),
            ("spark.memory.offHeap.enabled", "true"),
            ("spark.memory.offHeap.size", "1g"),
        ]);
        let profiles = BTreeMap::new();
        let d = MemoryConf { props: &props, profiles: &profiles }.driver();
        assert_eq!(d.overhead_bytes, 3276 * MIB, "0.4 × 8192 MiB for Python on Kubernetes");
        assert_eq!(d.offheap_bytes, 1024 * MIB);
    }
}
