//! Reading only a Parquet file's footer: the last bytes of the file, never its pages.

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
    ParquetMetaDataReader::decode_metadata(&meta_bytes)
        .map_err(|e| Error::corrupt(format!("{}: unreadable Parquet footer: {e}", what())))
}
