//! Data files of the demo's Iceberg tables, written by the iceberg crate's own Parquet data-file writer
//! so every file carries Iceberg field ids and its `DataFile` carries the metrics (record count, sizes,
//! value/null counts, bounds) that Java and pyiceberg writers record.

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::record_batch::RecordBatch;
use arrow_schema::DataType;
use iceberg::io::FileIO;
use iceberg::spec::{
    DataFile, DataFileFormat, Literal, NestedField, PartitionKey, PartitionSpec, PrimitiveType, Schema, SchemaRef,
    Struct, Type,
};
use iceberg::writer::base_writer::data_file_writer::DataFileWriterBuilder;
use iceberg::writer::file_writer::location_generator::{DefaultLocationGenerator, FileNameGenerator};
use iceberg::writer::file_writer::rolling_writer::RollingFileWriterBuilder;
use iceberg::writer::file_writer::ParquetWriterBuilder;
use iceberg::writer::{IcebergWriter, IcebergWriterBuilder};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result, ResultExt};

/// The Iceberg type of a demo column (the generators only make these Arrow types).
pub(super) fn iceberg_type(t: &DataType) -> Result<Type> {
    let p = match t {
        DataType::Int32 => PrimitiveType::Int,
        DataType::Int64 => PrimitiveType::Long,
        DataType::Float64 => PrimitiveType::Double,
        DataType::Utf8 => PrimitiveType::String,
        DataType::Date32 => PrimitiveType::Date,
        DataType::Decimal128(p, s) => PrimitiveType::Decimal { precision: u32::from(*p), scale: *s as u32 },
        DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, Some(_)) => PrimitiveType::Timestamptz,
        DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, None) => PrimitiveType::Timestamp,
        other => return Err(Error::unsupported(format!("demo column type {other} has no Iceberg mapping here"))),
    };
    Ok(Type::Primitive(p))
}

/// An Iceberg schema (field ids 1..n in column order) for a demo Arrow schema.
pub(super) fn iceberg_schema(arrow: &arrow_schema::Schema) -> Result<Schema> {
    let fields = arrow
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let id = i as i32 + 1;
            let t = iceberg_type(f.data_type())?;
            Ok(Arc::new(if f.is_nullable() {
                NestedField::optional(id, f.name(), t)
            } else {
                NestedField::required(id, f.name(), t)
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Schema::builder().with_schema_id(0).with_fields(fields).build()?)
}

/// Gives the data-file writer the one name we chose (deterministic, unlike the default generator's).
#[derive(Clone)]
struct FixedName(String);

impl FileNameGenerator for FixedName {
    fn generate_file_name(&self) -> String {
        self.0.clone()
    }
}

/// What the data-file writer needs to know about the table.
pub(super) struct Target<'a> {
    pub file_io: &'a FileIO,
    /// `file:///…/table`, no trailing slash.
    pub table_url: &'a str,
    pub schema: &'a SchemaRef,
    pub spec: &'a PartitionSpec,
}

/// Write `batch` as one Parquet data file named `file_name` (under `data/`, in its partition's directory
/// when `partition` is given) and return its `DataFile` and local path.
pub(super) async fn write_data_file(
    target: &Target<'_>,
    partition: Option<Struct>,
    file_name: String,
    batch: &RecordBatch,
) -> Result<(DataFile, PathBuf)> {
    let what = || format!("writing {}/data/…/{file_name}", target.table_url);
    let arrow_schema = Arc::new(iceberg::arrow::schema_to_arrow_schema(target.schema).with_context(what)?);
    // Same values, typed and annotated (field ids, `+00:00` time zone) as the Iceberg schema says; a
    // column the rows predate (a file rewritten after a schema change) is written as nulls, as engines do.
    let columns: Vec<ArrayRef> = arrow_schema
        .fields()
        .iter()
        .map(|field| match batch.column_by_name(field.name()) {
            Some(col) if col.data_type() == field.data_type() => Ok(col.clone()),
            Some(col) => arrow::compute::cast(col, field.data_type()).map_err(Error::from),
            None if field.is_nullable() => Ok(arrow::array::new_null_array(field.data_type(), batch.num_rows())),
            None => Err(Error::internal(format!("rows have no value for required column {}", field.name()))),
        })
        .collect::<Result<_>>()
        .with_context(what)?;
    if batch.num_columns() > columns.len() {
        return Err(Error::internal(format!("{}: rows have columns the schema does not", what())));
    }
    let batch = RecordBatch::try_new(arrow_schema, columns).with_context(what)?;

    let props = WriterProperties::builder().set_compression(Compression::ZSTD(ZstdLevel::default())).build();
    let rolling = RollingFileWriterBuilder::new_with_default_file_size(
        ParquetWriterBuilder::new(props, target.schema.clone()),
        target.file_io.clone(),
        DefaultLocationGenerator::with_data_location(format!("{}/data", target.table_url)),
        FixedName(file_name.clone()),
    );
    let key = partition.map(|p| PartitionKey::new(target.spec.clone(), target.schema.clone(), p));
    let mut writer = DataFileWriterBuilder::new(rolling).build(key).await.with_context(what)?;
    writer.write(batch).await.with_context(what)?;
    let mut files = writer.close().await.with_context(what)?;
    let file = match (files.pop(), files.is_empty()) {
        (Some(f), true) => f,
        _ => return Err(Error::internal(format!("{}: expected exactly one data file", what()))),
    };
    debug_assert_eq!(file.file_format(), DataFileFormat::Parquet);
    let path = local_path(file.file_path())?;
    Ok((file, path))
}

/// The partition tuple of a file whose rows all fall on `date` (identity on the day column).
pub(super) fn day_partition(date: chrono::NaiveDate) -> Struct {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let days = date.signed_duration_since(epoch).num_days() as i32;
    Struct::from_iter([Some(Literal::date(days))])
}

/// The local path of a `file://` URL the writer produced.
pub(super) fn local_path(url: &str) -> Result<PathBuf> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| Error::internal(format!("{url} is not a local file URL")))
}
