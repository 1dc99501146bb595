//! Price profiles: editable TOML files (`assets/prices/*.toml` are built in; a user's own go in
//! `<config dir>/lakescope/prices/NAME.toml` or are named by path) giving the price of stored bytes,
//! requests, memory-hours and core-hours.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Prices;
use crate::error::{Error, Result, ResultExt};

/// Hours in the month every price here is quoted for: 365 × 24 ÷ 12, the month AWS, GCP and Azure bill
/// byte-months in. A day is 24 hours, so a day costs 24 ÷ 730 of a month.
pub const MONTH_HOURS: f64 = 730.0;

/// The byte unit a storage price is quoted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ByteUnit {
    /// 10^9 bytes (what cloud price lists call a GB).
    GB,
    /// 2^30 bytes.
    GiB,
    /// 10^12 bytes.
    TB,
    /// 2^40 bytes.
    TiB,
}

impl ByteUnit {
    pub fn bytes(self) -> f64 {
        match self {
            ByteUnit::GB => 1e9,
            ByteUnit::GiB => (1u64 << 30) as f64,
            ByteUnit::TB => 1e12,
            ByteUnit::TiB => (1u64 << 40) as f64,
        }
    }
}

/// The price of keeping bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct StoragePrice {
    /// Dollars per `per` per month (of [`MONTH_HOURS`]).
    pub usd_per_month: f64,
    pub per: ByteUnit,
    /// Copies billed per logical byte (HDFS `dfs.replication`; 1 for cloud object stores).
    #[serde(default = "one")]
    #[ts(type = "number")]
    pub replication: u32,
}

fn one() -> u32 {
    1
}

/// The price of requests to the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RequestPrices {
    #[serde(default)]
    pub usd_per_1000_writes: f64,
    #[serde(default)]
    pub usd_per_1000_reads: f64,
}

/// One price profile as its TOML file states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PriceProfile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub storage: StoragePrice,
    #[serde(default)]
    pub requests: RequestPrices,
    /// Memory- and core-hour prices (Spark executors are priced with these).
    #[serde(default)]
    pub compute: Prices,
}

/// The built-in profiles, compiled in so the CLI and app work without the repository around them.
const BUILT_IN: &[(&str, &str)] = &[
    ("aws-s3-standard", include_str!("../../../../assets/prices/aws-s3-standard.toml")),
    ("aws-s3-standard-ia", include_str!("../../../../assets/prices/aws-s3-standard-ia.toml")),
    ("aws-s3-glacier", include_str!("../../../../assets/prices/aws-s3-glacier.toml")),
    ("gcp-gcs-standard", include_str!("../../../../assets/prices/gcp-gcs-standard.toml")),
    ("azure-adls-hot", include_str!("../../../../assets/prices/azure-adls-hot.toml")),
    ("onprem-hdfs", include_str!("../../../../assets/prices/onprem-hdfs.toml")),
];

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "aws-s3-standard";

/// Where a user's own profiles live (`NAME.toml`); they win over built-ins of the same name.
pub fn user_profiles_dir() -> PathBuf {
    dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("lakescope").join("prices")
}

impl PriceProfile {
    /// Parse and check a profile; `origin` (a file path or `built-in NAME`) is named in every error.
    pub fn parse(text: &str, origin: &str) -> Result<PriceProfile> {
        let p: PriceProfile = toml::from_str(text).with_context(|| format!("price profile {origin}"))?;
        let bad = |key: &str, v: f64| -> Result<()> {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(Error::invalid(format!("price profile {origin}: {key} must be a price ≥ 0 (got {v})")))
            }
        };
        bad("storage.usd_per_month", p.storage.usd_per_month)?;
        bad("requests.usd_per_1000_writes", p.requests.usd_per_1000_writes)?;
        bad("requests.usd_per_1000_reads", p.requests.usd_per_1000_reads)?;
        bad("compute.usd_per_gib_hour", p.compute.usd_per_gib_hour)?;
        bad("compute.usd_per_vcore_hour", p.compute.usd_per_vcore_hour)?;
        if p.storage.replication == 0 {
            return Err(Error::invalid(format!("price profile {origin}: storage.replication must be ≥ 1 (got 0)")));
        }
        if p.name.trim().is_empty() {
            return Err(Error::invalid(format!("price profile {origin}: name must not be empty")));
        }
        Ok(p)
    }

    pub fn load_file(path: &Path) -> Result<PriceProfile> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading price profile {}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// A profile by file path (anything ending in `.toml` or containing a `/`), else by name: the user's
    /// `prices/NAME.toml`, else a built-in one. `None` is [`DEFAULT_PROFILE`].
    pub fn resolve(name_or_file: Option<&str>) -> Result<PriceProfile> {
        Self::resolve_in(&user_profiles_dir(), name_or_file)
    }

    /// [`Self::resolve`] with the user's profiles in `user_dir` instead of [`user_profiles_dir`].
    pub fn resolve_in(user_dir: &Path, name_or_file: Option<&str>) -> Result<PriceProfile> {
        let wanted = name_or_file.unwrap_or(DEFAULT_PROFILE);
        if wanted.ends_with(".toml") || wanted.contains('/') || wanted.contains('\\') {
            return Self::load_file(Path::new(wanted));
        }
        let user = user_dir.join(format!("{wanted}.toml"));
        if user.is_file() {
            return Self::load_file(&user);
        }
        match Self::built_in_text(wanted) {
            Some(text) => Self::parse(text, &format!("built-in {wanted}")),
            None => Err(Error::not_found(format!(
                "no price profile {wanted:?}: not a file, not in {}, and not built in ({})",
                user_dir.display(),
                BUILT_IN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The TOML of the built-in profile `name`, if there is one.
    pub fn built_in_text(name: &str) -> Option<&'static str> {
        BUILT_IN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// Every built-in profile.
    pub fn built_in() -> Vec<PriceProfile> {
        BUILT_IN.iter().map(|(n, t)| Self::parse(t, &format!("built-in {n}")).expect("built-in profiles parse")).collect()
    }

    /// Dollars per month of keeping `bytes`: bytes × replication ÷ unit × price per unit-month.
    pub fn usd_per_month(&self, bytes: u64) -> f64 {
        bytes as f64 * self.storage.replication as f64 / self.storage.per.bytes() * self.storage.usd_per_month
    }

    /// Dollars per day of keeping `bytes`: a month's price × 24 ÷ [`MONTH_HOURS`].
    pub fn usd_per_day(&self, bytes: u64) -> f64 {
        self.usd_per_month(bytes) * 24.0 / MONTH_HOURS
    }

    /// The conventions behind every dollar figure, stated in outputs.
    pub fn conventions(&self) -> String {
        format!(
            "usd_per_month = bytes × {} (replication) ÷ {} bytes per {:?} × ${} per {:?}-month; a month is {} hours \
             (365 × 24 ÷ 12), usd_per_day = usd_per_month × 24 ÷ {}",
            self.storage.replication,
            self.storage.per.bytes(),
            self.storage.per,
            self.storage.usd_per_month,
            self.storage.per,
            MONTH_HOURS,
            MONTH_HOURS
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_parses_and_names_itself() {
        let all = PriceProfile::built_in();
        assert_eq!(all.len(), BUILT_IN.len());
        for (p, (n, _)) in all.iter().zip(BUILT_IN) {
            assert_eq!(&p.name, n, "file name and name = agree");
        }
        let hdfs = PriceProfile::resolve(Some("onprem-hdfs")).unwrap();
        assert_eq!((hdfs.storage.replication, hdfs.storage.per), (3, ByteUnit::TB));
    }

    #[test]
    fn dollars_are_bytes_times_price_with_stated_units() {
        let s3 = PriceProfile::resolve(None).unwrap();
        // 1 TB (10^12 bytes) at $0.023 per GB-month is $23 a month, and 24/730 of that a day.
        assert!((s3.usd_per_month(1_000_000_000_000) - 23.0).abs() < 1e-9);
        assert!((s3.usd_per_day(1_000_000_000_000) - 23.0 * 24.0 / 730.0).abs() < 1e-12);
        // HDFS: 10^12 logical bytes are 3 × 10^12 on disk at $20 per TB-month.
        let hdfs = PriceProfile::resolve(Some("onprem-hdfs")).unwrap();
        assert!((hdfs.usd_per_month(1_000_000_000_000) - 60.0).abs() < 1e-9);
        assert_eq!(ByteUnit::TiB.bytes(), 1_099_511_627_776.0);
    }

    #[test]
    fn bad_profiles_name_the_file_and_the_key() {
        let e = PriceProfile::parse("name='x'\n[storage]\nusd_per_month=-1\nper='GB'\n", "/p/x.toml").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidInput);
        assert!(e.message.contains("/p/x.toml") && e.message.contains("storage.usd_per_month"), "{}", e.message);

        let e = PriceProfile::parse("name='x'\n[storage]\nusd_per_month=1\nper='PB'\n", "/p/y.toml").unwrap_err();
        assert!(e.message.contains("/p/y.toml") && e.message.contains("PB"), "{}", e.message);

        let e = PriceProfile::parse("name='x'\n[storage]\nusd_per_month=1\nper='GB'\nreplicas=3\n", "/p/z.toml").unwrap_err();
        assert!(e.message.contains("/p/z.toml") && e.message.contains("replicas"), "{}", e.message);

        let e = PriceProfile::parse("name='x'\n[storage]\nusd_per_month=1\nper='GB'\nreplication=0\n", "f").unwrap_err();
        assert!(e.message.contains("storage.replication"), "{}", e.message);

        let e = PriceProfile::resolve(Some("no-such-profile")).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::NotFound);
        assert!(e.message.contains("aws-s3-standard"), "lists what exists: {}", e.message);

        let e = PriceProfile::resolve(Some("/nonexistent/p.toml")).unwrap_err();
        assert!(e.message.contains("/nonexistent/p.toml"), "{}", e.message);
    }
}
