//! Where a table's bytes go: live data, data held only by old versions, orphans, metadata, and what
//! the format's own maintenance (VACUUM, expire_snapshots + remove_orphan_files) would reclaim.
//!
//! Each format decides the role of every listed file (it alone knows its references); this module
//! keeps the arithmetic in one place so `total = live + old_version + orphan + metadata` always holds.

mod breakdown;

pub use breakdown::{summarize, summarize_with_orphans, FileRole};
