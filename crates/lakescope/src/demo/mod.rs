//! The demo lakehouse: real Iceberg, Delta and Hive-style Parquet tables built from
//! `assets/demo/recipe.toml` by the formats' own writers, with months of back-dated history.
//!
//! It exists so that the app opens on something true with no set-up, tutorials have a known world to
//! check against, and tests compare our numbers with the reference tools on non-trivial tables.
//! A build is reproducible: the same recipe and anchor day give the same tables.

mod data;
mod delta;
mod iceberg;
mod parquet;
mod plan;
mod recipe;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use plan::{plan, Action, Commit, FileBatch, Orphan, Plan};
pub use recipe::{Recipe, TableRecipe};

use crate::error::{Error, Result, ResultExt};
use crate::model::TableFormat;
use crate::sources::{SourceConfig, SourceKind, SourcesFile};

/// Name of the Iceberg SQL catalog inside `catalog.db` (the `catalog_name` column).
pub const CATALOG_NAME: &str = "demo";
pub const MANIFEST: &str = "lakescope-demo.json";

/// What `lakescope demo` built or found.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemoInfo {
    pub dir: String,
    pub sources_file: String,
    /// The anchor day (day 0 of the recipe's history), `YYYY-MM-DD`.
    pub anchor: String,
    /// True when an existing, complete build for the same recipe was reused.
    pub reused: bool,
    #[ts(type = "number")]
    pub tables: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    recipe_hash: String,
    anchor: String,
    tables: u64,
    built_by: String,
}

/// Options for [`build`].
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub dir: PathBuf,
    /// Day 0 of the history; today (UTC) when absent.
    pub anchor: Option<NaiveDate>,
    /// Rebuild even when a complete build exists.
    pub force: bool,
}

/// Build the demo lakehouse into `opts.dir`, or reuse a complete earlier build of the same recipe
/// (and, when given, the same anchor).
pub async fn build(opts: &DemoOptions) -> Result<DemoInfo> {
    let recipe = Recipe::bundled();
    let recipe_hash = format!("{:016x}", fnv64(recipe::BUNDLED.as_bytes()));
    let dir = absolute(&opts.dir)?;
    let manifest_path = dir.join(MANIFEST);
    if let Some(m) = read_manifest(&manifest_path).filter(|_| !opts.force) {
        let anchor_ok = opts.anchor.is_none_or(|a| a.to_string() == m.anchor);
        // A build copied or moved from elsewhere still names its old directory (in sources.toml and in the
        // Iceberg catalog's metadata locations): only a build made here is reused.
        let made_here = std::fs::read_to_string(dir.join("sources.toml")).is_ok_and(|t| t == demo_sources(&dir).to_toml());
        if m.recipe_hash == recipe_hash && anchor_ok && made_here {
            return Ok(DemoInfo {
                dir: dir.display().to_string(),
                sources_file: dir.join("sources.toml").display().to_string(),
                anchor: m.anchor,
                reused: true,
                tables: m.tables,
            });
        }
    }
    let anchor = opts.anchor.unwrap_or_else(|| chrono::Utc::now().date_naive());
    if dir.exists() {
        // Only ever delete a directory that is recognisably a demo build (or empty).
        let is_demo = manifest_path.exists()
            || dir.join("catalog.db").exists()
            || std::fs::read_dir(&dir).map(|mut r| r.next().is_none()).unwrap_or(false);
        if !is_demo {
            return Err(Error::invalid(format!(
                "{} exists and is not a Lakescope demo directory; choose another --dir",
                dir.display()
            )));
        }
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;

    let warehouse = dir.join("warehouse");
    let catalog_db = dir.join("catalog.db");
    iceberg::create_catalog(&catalog_db).await?;
    for t in &recipe.tables {
        let what = format!("building demo table {}.{}", t.namespace, t.name);
        match t.format {
            TableFormat::Iceberg => {
                let p = plan(t, recipe.seed, anchor, false);
                iceberg::write_table(&warehouse, &catalog_db, t, &p).await.context(&what)?;
            }
            TableFormat::Delta => {
                let p = plan(t, recipe.seed, anchor, false);
                let root = dir.join("delta").join(&t.namespace).join(&t.name);
                delta::write_table(&root, t, &p).await.context(&what)?;
            }
            TableFormat::Parquet => {
                let p = plan(t, recipe.seed, anchor, true);
                let root = dir.join("hive").join(format!("{}.db", t.namespace)).join(&t.name);
                parquet::write_table(&root, t, &p).await.context(&what)?;
            }
        }
    }

    let sources = demo_sources(&dir);
    let sources_file = dir.join("sources.toml");
    std::fs::write(&sources_file, sources.to_toml()).with_context(|| format!("writing {}", sources_file.display()))?;
    let manifest = Manifest {
        recipe_hash,
        anchor: anchor.to_string(),
        tables: recipe.tables.len() as u64,
        built_by: format!("lakescope {}", env!("CARGO_PKG_VERSION")),
    };
    // Written last: its presence marks a complete build.
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&manifest)?)?;
    Ok(DemoInfo {
        dir: dir.display().to_string(),
        sources_file: sources_file.display().to_string(),
        anchor: anchor.to_string(),
        reused: false,
        tables: manifest.tables,
    })
}

/// The sources file of a demo built in `dir`.
pub fn demo_sources(dir: &Path) -> SourcesFile {
    let url = |p: PathBuf| url::Url::from_file_path(p).expect("absolute path").to_string();
    SourcesFile {
        sources: vec![
            SourceConfig {
                name: "demo".into(),
                kind: SourceKind::IcebergSql,
                uri: Some(format!("sqlite://{}", dir.join("catalog.db").display())),
                warehouse: Some(url(dir.join("warehouse"))),
                location: None,
                catalog: Some(CATALOG_NAME.into()),
                options: Default::default(),
                token_env: None,
                credentials: None,
                layout: None,
            },
            SourceConfig {
                name: "delta".into(),
                kind: SourceKind::Delta,
                uri: None,
                warehouse: None,
                location: Some(url(dir.join("delta"))),
                catalog: None,
                options: Default::default(),
                token_env: None,
                credentials: None,
                layout: None,
            },
            SourceConfig {
                name: "hive".into(),
                kind: SourceKind::Storage,
                uri: None,
                warehouse: None,
                location: Some(url(dir.join("hive"))),
                catalog: None,
                options: Default::default(),
                token_env: None,
                credentials: None,
                layout: None,
            },
        ],
    }
}

fn read_manifest(path: &Path) -> Option<Manifest> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn absolute(p: &Path) -> Result<PathBuf> {
    let loc = crate::storage::parse_location(&p.display().to_string())?;
    loc.to_file_path().map_err(|_| Error::invalid(format!("{} is not a local directory", p.display())))
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Set a file's modification time to a commit time, so listings look like the history really happened.
pub(crate) fn set_mtime(path: &Path, timestamp_ms: i64) -> Result<()> {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(timestamp_ms.max(0) as u64);
    let f = std::fs::OpenOptions::new().write(true).open(path).with_context(|| format!("opening {}", path.display()))?;
    f.set_modified(t).with_context(|| format!("setting modification time of {}", path.display()))?;
    Ok(())
}

/// Test support: one Iceberg table written by the demo writer from a recipe snippet (the keys after
/// `dataset`, e.g. `partition = 'day'\ndays = 12`), anchored on 2026-11-30, under `dir`. Returns its root.
#[cfg(test)]
pub(crate) async fn write_iceberg_for_tests(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let text = format!(
        "seed = 7\n[[table]]\nformat = 'iceberg'\nnamespace = 'lab'\nname = 't'\nowner = 'o'\ncomment = 'c'\n\
         dataset = 'orders'\nrows_per_day = 8\n{extra}\n"
    );
    let r = recipe::Recipe::parse(&text, "test").unwrap();
    let t = &r.tables[0];
    let p = plan::plan(t, r.seed, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), false);
    let db = dir.join("catalog.db");
    iceberg::create_catalog(&db).await.unwrap();
    iceberg::write_table(&dir.join("warehouse"), &db, t, &p).await.unwrap();
    dir.join("warehouse").join(format!("{}.db", t.namespace)).join(&t.name)
}
