//! Iceberg demo tables, written with the iceberg crate's own writers and registered in an Iceberg SQL
//! catalog (SQLite) the way pyiceberg's `SqlCatalog` lays it out. (Being built: see the foundation issue.)

use std::path::Path;

use super::plan::Plan;
use super::recipe::TableRecipe;
use crate::error::{Error, Result};

/// Create the SQL catalog's tables (`iceberg_tables`, `iceberg_namespace_properties`) in a new SQLite file.
pub async fn create_catalog(_db: &Path) -> Result<()> {
    Ok(())
}

pub async fn write_table(_warehouse: &Path, _catalog_db: &Path, t: &TableRecipe, _plan: &Plan) -> Result<()> {
    Err(Error::unsupported(format!("Iceberg demo writer not built yet ({})", t.name)))
}
