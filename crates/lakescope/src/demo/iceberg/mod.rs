//! Iceberg demo tables, written with the iceberg crate's own writers and registered in an Iceberg SQL
//! catalog (SQLite) the way pyiceberg's `SqlCatalog` lays it out, so pyiceberg can load and scan every
//! table through `load_catalog("demo", type="sql", uri=…, warehouse=…)`.
//!
//! Layout: `{warehouse}/{namespace}.db/{name}/{data,metadata}/`. Every plan commit becomes one snapshot
//! (appends as `append`, full overwrites and copy-on-write deletes as `overwrite`), a schema change rides
//! along with the next snapshot, and every file's modification time is its commit time, because orphan
//! and retention logic (ours and the engines') judge files by it. Ids, UUIDs and file names come from a
//! seeded PRNG: the same anchor day gives the same tables.

mod catalog;
mod files;
mod writer;

use std::collections::HashMap;
use std::path::Path;

use iceberg::spec::{Transform, UnboundPartitionSpec};

use super::plan::Plan;
use super::recipe::TableRecipe;
use super::CATALOG_NAME;
use crate::error::{Error, Result, ResultExt};
use writer::TableWriter;

/// Create the SQL catalog's tables (`iceberg_tables`, `iceberg_namespace_properties`) in a new SQLite file.
pub async fn create_catalog(db: &Path) -> Result<()> {
    catalog::create(db).await
}

/// Write one table's whole history and register it in the catalog.
pub async fn write_table(warehouse: &Path, catalog_db: &Path, t: &TableRecipe, plan: &Plan) -> Result<()> {
    let dir = writer::table_dir(warehouse, &t.namespace, &t.name);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let table_url = url::Url::from_file_path(&dir)
        .map_err(|_| Error::invalid(format!("{} is not an absolute path", dir.display())))?
        .as_str()
        .trim_end_matches('/')
        .to_string();

    let schema = files::iceberg_schema(&plan.shape.schema(false))?;
    let mut spec = UnboundPartitionSpec::builder();
    if plan.partitioned {
        let day = plan
            .shape
            .day_column()
            .ok_or_else(|| Error::invalid(format!("table {}: dataset {} has no day column to partition by", t.name, plan.shape.dataset)))?;
        let source = schema
            .field_by_name(day)
            .ok_or_else(|| Error::internal(format!("day column {day} missing from the schema")))?;
        spec = spec.add_partition_field(source.id, day, Transform::Identity)?;
    }
    let mut properties = HashMap::from([("owner".to_string(), t.owner.clone()), ("comment".to_string(), t.comment.clone())]);
    if let Some(days) = t.retention {
        properties.insert("history.expire.max-snapshot-age-ms".into(), (u64::from(days) * 86_400_000).to_string());
    }

    let first_ms = plan.commits.first().map_or(0, |c| c.timestamp_ms);
    let seed = fnv64(format!("iceberg:{}.{}", t.namespace, t.name).as_bytes()) ^ (first_ms as u64).rotate_left(29);
    let mut w = TableWriter::new(table_url, seed, schema, spec.build(), properties)?;
    for c in &plan.commits {
        w.apply(c).await.with_context(|| format!("{} commit on {}", c.action.name(), c.date))?;
    }
    w.write_orphans(&plan.orphans).await?;

    let (Some(current), previous) = w.locations() else {
        return Err(Error::invalid(format!("table {}: the plan has no commits", t.name)));
    };
    catalog::register_table(catalog_db, CATALOG_NAME, &t.namespace, &t.name, current, previous).await
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests;
