//! Hive-style Parquet tables: `dt=YYYY-MM-DD/part-…parquet` plus the `_SUCCESS` markers Spark and Hive
//! jobs leave behind, written with the parquet crate's Arrow writer.

use std::path::Path;

use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::plan::{Action, Plan};
use super::recipe::TableRecipe;
use super::set_mtime;
use crate::error::{Error, Result, ResultExt};

pub async fn write_table(root: &Path, t: &TableRecipe, plan: &Plan) -> Result<()> {
    let root = root.to_path_buf();
    let plan = plan.clone();
    let partitioned = plan.partitioned;
    let name = t.name.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        std::fs::create_dir_all(&root)?;
        for c in &plan.commits {
            let files = match &c.action {
                Action::Append { files } => files,
                other => {
                    return Err(Error::unsupported(format!(
                        "plain Parquet table {name}: the demo writer only appends (got {})",
                        other.name()
                    )));
                }
            };
            let dir = if partitioned { root.join(format!("dt={}", c.date)) } else { root.clone() };
            std::fs::create_dir_all(&dir)?;
            for f in files {
                let path = dir.join(format!("part-{:05}-{}.snappy.parquet", f.key.part, f.stem()));
                write_parquet(&path, &f.batch)?;
                set_mtime(&path, c.timestamp_ms)?;
            }
            let marker = dir.join("_SUCCESS");
            std::fs::write(&marker, b"")?;
            set_mtime(&marker, c.timestamp_ms)?;
        }
        Ok(())
    })
    .await?
}

fn write_parquet(path: &Path, batch: &arrow::record_batch::RecordBatch) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props))?;
    w.write(batch)?;
    w.close()?;
    Ok(())
}
