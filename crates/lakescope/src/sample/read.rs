//! Reading the first rows of one data file: its footer, then only the row groups and columns the
//! limit and the projection need, through our storage layer (local files and object stores alike).

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{FutureExt, TryStreamExt};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::arrow::async_reader::AsyncFileReader;
use parquet::arrow::{ParquetRecordBatchStreamBuilder, ProjectionMask};
use parquet::errors::ParquetError;
use parquet::file::metadata::ParquetMetaData;
use serde_json::Value;

use super::value::{partition_value, to_json};
use super::{PlanColumn, PlanFile};
use crate::error::Result;
use crate::storage::Location;

/// The metadata key the parquet crate gives an arrow field for a Parquet field id.
const FIELD_ID_KEY: &str = "PARQUET:field_id";

/// A Parquet file in a [`Location`], with its footer already read.
struct LocationReader {
    location: Location,
    metadata: Arc<ParquetMetaData>,
}

impl AsyncFileReader for LocationReader {
    fn get_bytes(&mut self, range: Range<u64>) -> BoxFuture<'_, parquet::errors::Result<Bytes>> {
        async move { self.location.read_range("", range).await.map_err(|e| ParquetError::External(Box::new(e))) }.boxed()
    }

    fn get_metadata<'a>(
        &'a mut self,
        _options: Option<&'a ArrowReaderOptions>,
    ) -> BoxFuture<'a, parquet::errors::Result<Arc<ParquetMetaData>>> {
        let m = self.metadata.clone();
        async move { Ok(m) }.boxed()
    }
}

/// Up to `want` rows of `file`, one JSON array per row in `columns` order.
pub(super) async fn first_rows(file: &PlanFile, columns: &[PlanColumn], want: usize) -> Result<Vec<Vec<Value>>> {
    let footer = Arc::new(crate::table::read_footer(&file.location, "", file.size).await?);
    // A damaged embedded Arrow schema is skipped, as the sample's columns were planned (table::arrow_schema).
    let skip = !crate::table::embedded_arrow_schema_reads(&footer);
    let meta = ArrowReaderMetadata::try_new(footer.clone(), ArrowReaderOptions::new().with_skip_arrow_metadata(skip))?;
    let fields = meta.schema().fields().clone();
    let has_ids = fields.iter().any(|f| f.metadata().contains_key(FIELD_ID_KEY));
    // Top-level file column of each sample column: by field id when both sides have ids (Iceberg),
    // else by the physical name.
    let source: Vec<Option<usize>> = columns
        .iter()
        .map(|c| match (c.field_id, has_ids) {
            (Some(id), true) => {
                fields.iter().position(|f| f.metadata().get(FIELD_ID_KEY).is_some_and(|v| v == &id.to_string()))
            }
            _ => fields.iter().position(|f| f.name() == &c.physical),
        })
        .collect();
    let mut roots: Vec<usize> = source.iter().flatten().copied().collect();
    roots.sort_unstable();
    roots.dedup();
    // Partition values are the same for every row of the file: render them once.
    let fixed: Vec<Value> = columns
        .iter()
        .map(|c| match file.partition.iter().find(|(k, _)| k == &c.name) {
            Some((_, Some(v))) => partition_value(v, &c.data_type),
            _ => Value::Null,
        })
        .collect();

    let mask = ProjectionMask::roots(meta.parquet_schema(), roots.iter().copied());
    let reader = LocationReader { location: file.location.clone(), metadata: footer };
    let mut stream = ParquetRecordBatchStreamBuilder::new_with_metadata(reader, meta)
        .with_projection(mask)
        .with_limit(want)
        .with_batch_size(want.clamp(1, 1024))
        .build()?;
    let mut rows = Vec::with_capacity(want);
    while let Some(batch) = stream.try_next().await? {
        // Projected columns come in file order: the i-th root is the batch's i-th column.
        let col_of: Vec<Option<&arrow_array::ArrayRef>> = source
            .iter()
            .map(|s| s.and_then(|i| roots.binary_search(&i).ok()).map(|pos| batch.column(pos)))
            .collect();
        for r in 0..batch.num_rows() {
            if rows.len() >= want {
                break;
            }
            rows.push(
                col_of
                    .iter()
                    .zip(&fixed)
                    .map(|(col, fixed)| match col {
                        Some(a) => to_json(a.as_ref(), r),
                        None => fixed.clone(),
                    })
                    .collect(),
            );
        }
        if rows.len() >= want {
            break;
        }
    }
    Ok(rows)
}
