//! The demo lakehouse recipe (`assets/demo/recipe.toml`), parsed.

use serde::Deserialize;

use crate::error::{Error, Result, ResultExt};
use crate::model::TableFormat;

/// The recipe shipped with Lakescope.
pub const BUNDLED: &str = include_str!("../../../../assets/demo/recipe.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    pub seed: u64,
    #[serde(rename = "table")]
    pub tables: Vec<TableRecipe>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Append,
    Overwrite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Partitioning {
    /// One partition per event date (identity on a `date` column; `dt=` directories for Parquet).
    Day,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmallFiles {
    /// First relative day (<= 0) written as many small files.
    pub from: i32,
    pub files: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddColumn {
    pub day: i32,
    pub name: String,
    /// `string`, `int`, `long`, `double`, `decimal(p,s)`.
    #[serde(rename = "type")]
    pub data_type: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRecipe {
    pub format: TableFormat,
    pub namespace: String,
    pub name: String,
    pub owner: String,
    pub comment: String,
    pub dataset: String,
    #[serde(default)]
    pub partition: Option<Partitioning>,
    pub days: u32,
    pub rows_per_day: u32,
    #[serde(default = "default_mode")]
    pub mode: Mode,
    #[serde(default)]
    pub stop_after: i32,
    #[serde(default)]
    pub small_files: Option<SmallFiles>,
    #[serde(default)]
    pub deletes: Vec<i32>,
    #[serde(default)]
    pub add_column: Option<AddColumn>,
    #[serde(default)]
    pub orphans: u32,
    /// Days of retention for old files/snapshots (Delta deletedFileRetentionDuration, Iceberg
    /// history.expire.max-snapshot-age-ms); the formats' defaults when absent.
    #[serde(default)]
    pub retention: Option<u32>,
}

fn default_mode() -> Mode {
    Mode::Append
}

impl TableRecipe {
    /// First and last relative day with a commit.
    pub fn day_range(&self) -> std::ops::RangeInclusive<i32> {
        let last = self.stop_after;
        (last - self.days as i32 + 1)..=last
    }
}

impl Recipe {
    pub fn parse(text: &str, origin: &str) -> Result<Recipe> {
        let recipe: Recipe = toml::from_str(text).with_context(|| format!("demo recipe {origin}"))?;
        for t in &recipe.tables {
            let bad = |why: &str| Error::invalid(format!("demo recipe {origin}: table {}: {why}", t.name));
            if t.days == 0 {
                return Err(bad("days must be at least 1"));
            }
            if t.stop_after > 0 {
                return Err(bad("stop_after must be <= 0 (days are relative to the anchor day)"));
            }
            if !super::data::DATASETS.contains(&t.dataset.as_str()) {
                return Err(bad(&format!("unknown dataset {:?}; known: {:?}", t.dataset, super::data::DATASETS)));
            }
            if let Some(c) = &t.add_column {
                super::data::parse_type(&c.data_type).map_err(|e| bad(&e.message))?;
            }
        }
        Ok(recipe)
    }

    pub fn bundled() -> Recipe {
        Recipe::parse(BUNDLED, "assets/demo/recipe.toml").expect("the bundled recipe is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_recipe_has_the_promised_tables() {
        let r = Recipe::bundled();
        let count = |f| r.tables.iter().filter(|t| t.format == f).count();
        assert!(count(TableFormat::Iceberg) >= 4);
        assert!(count(TableFormat::Delta) >= 4);
        assert!(count(TableFormat::Parquet) >= 2);
        // at least one table of each format with >= 365 versions for `bench history`
        assert!(r.tables.iter().any(|t| t.format == TableFormat::Iceberg && t.days >= 365));
        assert!(r.tables.iter().any(|t| t.format == TableFormat::Delta && t.days >= 365));
    }

    #[test]
    fn unknown_dataset_names_the_table() {
        let text = "seed = 1\n[[table]]\nformat='delta'\nnamespace='a'\nname='t1'\nowner='o'\ncomment='c'\ndataset='nope'\ndays=1\nrows_per_day=1\n";
        let e = Recipe::parse(text, "r.toml").unwrap_err();
        assert!(e.message.contains("t1") && e.message.contains("nope"), "{}", e.message);
    }
}
