//! Discover tables by walking a storage location: a directory with `_delta_log/` is a Delta table, one
//! with `metadata/*.metadata.json` an Iceberg table, one with Parquet files or `key=value/` folders a
//! Hive-style Parquet table. Each directory is listed once, and the walk never descends into a table.

use super::CatalogEntry;
use super::hms::TableProblem;
use crate::error::{Error, Result};
use crate::model::{TableFormat, TableRef};
use crate::sources::{Layout, SourceConfig};
use crate::storage::Location;

/// Which formats a scan reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    Any,
    Delta,
    Iceberg,
}

/// How deep below the root tables are looked for (`warehouse/catalog/schema/table` is 3).
const MAX_DEPTH: usize = 6;
/// Where a Unity-style layout keeps its tables: `<catalog>/<schema>/<table>`.
const UNITY_DEPTH: usize = 3;

/// The tables under the source's location, and (with `layout = "unity"`) the tables found outside
/// `<catalog>/<schema>/<table>`, which are reported instead of listed under a wrong name.
pub async fn list(source: &SourceConfig, only: Only) -> Result<(Vec<CatalogEntry>, Vec<TableProblem>)> {
    let root_text = source
        .root()
        .ok_or_else(|| Error::invalid("needs `location` (or `warehouse`) to scan"))?;
    let root = crate::storage::open(root_text, &source.store_options())?;
    let unity = source.layout == Some(Layout::Unity);
    let max_depth = if unity { UNITY_DEPTH } else { MAX_DEPTH };
    let mut problems = Vec::new();
    let mut found = Vec::new();
    let mut queue: Vec<(Location, Vec<String>)> = vec![(root, Vec::new())];
    while let Some((dir, path)) = queue.pop() {
        let (dirs, files) = dir.list_dir().await?;
        let format = crate::table::classify(&dir, &dirs, &files).await?;
        if let Some(format) = format {
            let wanted = match only {
                Only::Any => true,
                Only::Delta => format == TableFormat::Delta,
                Only::Iceberg => format == TableFormat::Iceberg,
            };
            if wanted && unity && path.len() != UNITY_DEPTH {
                let name = path.last().cloned().unwrap_or_default();
                let namespace = path[..path.len().saturating_sub(1)].join(".");
                let error = Error::invalid(format!(
                    "{} is a table at {}/, outside this source's <catalog>/<schema>/<table> layout; it is not listed",
                    dir.display(),
                    path.join("/")
                ))
                .to_report();
                problems.push(TableProblem { namespace, name, error });
            } else if wanted && !path.is_empty() {
                let name = path.last().unwrap().clone();
                let namespace = if unity { path[..path.len() - 1].join(".") } else { namespace_of(&path[..path.len() - 1]) };
                found.push(CatalogEntry {
                    table: TableRef { source: source.name.clone(), namespace, name, format, location: dir.display() },
                    metadata_location: None,
                });
            }
            continue;
        }
        if path.len() >= max_depth {
            continue;
        }
        for d in dirs.into_iter().rev() {
            if d.starts_with('.') || d.starts_with('_') {
                continue;
            }
            let mut p = path.clone();
            p.push(d.clone());
            queue.push((dir.join(&d), p));
        }
    }
    Ok((found, problems))
}

/// Folders between the root and a table become its namespace; Hive's `.db` suffix is dropped.
fn namespace_of(parents: &[String]) -> String {
    if parents.is_empty() {
        return "default".into();
    }
    parents.iter().map(|p| p.strip_suffix(".db").unwrap_or(p)).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::SourceKind;

    #[tokio::test]
    async fn finds_tables_and_does_not_descend_into_them() {
        let d = tempfile::tempdir().unwrap();
        let mk = |p: &str| std::fs::create_dir_all(d.path().join(p)).unwrap();
        mk("ods/customers/_delta_log");
        mk("ods/customers/nested/_delta_log"); // inside a table: never reported
        mk("mart.db/sales/dt=2026-01-01");
        mk("lake/ns/events/metadata");
        std::fs::write(d.path().join("lake/ns/events/metadata/00001-a.metadata.json"), b"{}").unwrap();
        mk("empty/dir");
        let src = SourceConfig {
            name: "s".into(),
            kind: SourceKind::Storage,
            uri: None,
            warehouse: None,
            location: Some(d.path().display().to_string()),
            catalog: None,
            options: Default::default(),
            token_env: None,
            credentials: None,
            layout: None,
        };
        let mut all: Vec<_> = list(&src, Only::Any)
            .await
            .unwrap()
            .0
            .into_iter()
            .map(|e| (e.table.namespace, e.table.name, e.table.format))
            .collect();
        all.sort();
        assert_eq!(
            all,
            vec![
                ("lake.ns".into(), "events".into(), TableFormat::Iceberg),
                ("mart".into(), "sales".into(), TableFormat::Parquet),
                ("ods".into(), "customers".into(), TableFormat::Delta),
            ]
        );
        let delta_only = list(&src, Only::Delta).await.unwrap().0;
        assert_eq!(delta_only.len(), 1);
    }

    #[tokio::test]
    async fn a_unity_layout_names_catalog_schema_table_and_reports_tables_elsewhere() {
        let d = tempfile::tempdir().unwrap();
        let mk = |p: &str| std::fs::create_dir_all(d.path().join(p)).unwrap();
        mk("main/sales/orders/_delta_log");
        mk("dev/usr_ann/scratch/_delta_log");
        mk("main/loose/_delta_log");
        mk("main/sales/orders2/deeper/_delta_log"); // below table depth: not walked
        let src = SourceConfig {
            location: Some(d.path().display().to_string()),
            layout: Some(Layout::Unity),
            ..SourceConfig::new("u", SourceKind::Delta)
        };
        let (found, problems) = list(&src, Only::Delta).await.unwrap();
        let mut names: Vec<String> = found.iter().map(|e| format!("{}.{}", e.table.namespace, e.table.name)).collect();
        names.sort();
        assert_eq!(names, ["dev.usr_ann.scratch", "main.sales.orders"]);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].namespace.as_str(), problems[0].name.as_str()), ("main", "loose"));
        assert!(problems[0].error.message.contains("main/loose/"), "{}", problems[0].error.message);
    }
}
