//! Reading only a Parquet file's footer: the last bytes of the file, never its pages — and checking a
//! footer before the parquet crate reads pages by it ([`check_footer`]), for every Parquet file users
//! give us (Hive-style and plain tables, samples, Delta checkpoints, Parquet inventories).

use parquet::file::metadata::{FooterTail, ParquetMetaData, ParquetMetaDataReader};

use crate::error::{Error, Result};
use crate::storage::Location;

const FOOTER_SIZE: u64 = 8;
/// Most footers fit in this many bytes, so one read usually suffices.
const FIRST_READ: u64 = 64 * 1024;

/// Parse the footer of the Parquet file `rel` below `loc`, whose size is `size` bytes.
pub async fn read_footer(loc: &Location, rel: &str, size: u64) -> Result<ParquetMetaData> {
    let what = || loc.join(rel).display();
    if size < FOOTER_SIZE + 4 {
        return Err(Error::corrupt(format!("{} is not a Parquet file: only {size} bytes", what())));
    }
    let first = FIRST_READ.min(size);
    let tail = loc.read_range(rel, size - first..size).await?;
    let last8: &[u8; 8] = tail[tail.len() - 8..].try_into().expect("8 bytes");
    let footer = FooterTail::try_from(*last8)
        .map_err(|e| Error::corrupt(format!("{} is not a Parquet file: {e}", what())))?;
    if footer.is_encrypted_footer() {
        return Err(Error::unsupported(format!("{} has an encrypted footer", what())));
    }
    let meta_len = footer.metadata_length() as u64;
    if meta_len + FOOTER_SIZE > size {
        return Err(Error::corrupt(format!("{}: footer claims {meta_len} bytes of metadata in a {size}-byte file", what())));
    }
    let meta_bytes = if meta_len + FOOTER_SIZE <= first {
        let start = (first - FOOTER_SIZE - meta_len) as usize;
        tail.slice(start..tail.len() - 8)
    } else {
        loc.read_range(rel, size - FOOTER_SIZE - meta_len..size - FOOTER_SIZE).await?
    };
    let meta = ParquetMetaDataReader::decode_metadata(&meta_bytes)
        .map_err(|e| Error::corrupt(format!("{}: unreadable Parquet footer: {e}", what())))?;
    check_footer(&meta, size, &what())?;
    Ok(meta)
}

/// Check what the parquet crate trusts in a decoded footer before it reads any page by it: each column
/// chunk's offset and size (it `assert!`s they are not negative — a panic on a damaged footer, found by
/// fuzzing `delta_checkpoint`), that the chunk lies inside the file of `file_len` bytes, and each row
/// group's row count (a negative one becomes a huge `usize` that the reader sums, an overflow). A
/// footer that fails is `Corrupt`, naming `what` (the file).
pub(crate) fn check_footer(meta: &ParquetMetaData, file_len: u64, what: &str) -> Result<()> {
    let mut rows: i64 = 0;
    for (g, rg) in meta.row_groups().iter().enumerate() {
        rows = match rows.checked_add(rg.num_rows()) {
            Some(r) if rg.num_rows() >= 0 => r,
            _ => {
                return Err(Error::corrupt(format!(
                    "{what}: its footer gives row group {g} {} rows, not a row count",
                    rg.num_rows()
                )))
            }
        };
        for c in rg.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let size = c.compressed_size();
            if start < 0 || size < 0 {
                return Err(Error::corrupt(format!(
                    "{what}: its footer gives column {} of row group {g} a negative offset or size ({start}, {size})",
                    c.column_path()
                )));
            }
            let end = (start as u64).checked_add(size as u64);
            if end.is_none_or(|end| end > file_len) {
                return Err(Error::corrupt(format!(
                    "{what}: its footer puts column {} of row group {g} at {size} bytes from byte {start}, past the \
                     file's end ({file_len} bytes)",
                    c.column_path()
                )));
            }
        }
    }
    Ok(())
}

/// The Arrow schema of a Parquet file, for the columns users see: by the Arrow schema its writer
/// embedded (`ARROW:schema`, which pyarrow and arrow-rs add) when that one decodes, else by the Parquet
/// schema alone, which is what every other reader goes by. arrow-ipc panics on some damaged embedded
/// schemas (an Int of bit width 436207680, found by fuzzing; it has some twenty such `panic!`s), so a
/// damaged one costs its Arrow-only detail (time zones, large types), not the table page or the sample.
pub(crate) fn arrow_schema(meta: &ParquetMetaData) -> parquet::errors::Result<arrow_schema::Schema> {
    let fm = meta.file_metadata();
    // Decoded once: a panic or an error while decoding the embedded schema falls back to the Parquet one.
    let embedded = std::panic::catch_unwind(|| parquet::arrow::parquet_to_arrow_schema(fm.schema_descr(), fm.key_value_metadata()));
    match embedded {
        Ok(Ok(schema)) => Ok(schema),
        _ => parquet::arrow::parquet_to_arrow_schema(fm.schema_descr(), None),
    }
}

/// Whether the file's embedded Arrow schema (if any) decodes; a panic while decoding it counts as no
/// (the default hook still prints it).
pub(crate) fn embedded_arrow_schema_reads(meta: &ParquetMetaData) -> bool {
    let fm = meta.file_metadata();
    let Some(kv) = fm.key_value_metadata() else { return true };
    if !kv.iter().any(|e| e.key == parquet::arrow::ARROW_SCHEMA_META_KEY) {
        return true;
    }
    let decoded = std::panic::catch_unwind(|| parquet::arrow::parquet_to_arrow_schema(fm.schema_descr(), Some(kv)).is_ok());
    matches!(decoded, Ok(true))
}

#[cfg(test)]
#[path = "footer_tests.rs"]
pub(crate) mod tests;
