//! The `MD5checksum` an S3 Inventory manifest gives for each data file, checked before the file's rows
//! count: a data file replaced, re-uploaded or damaged after the report was written would otherwise give
//! numbers for a day that never was, and a damaged gzip or Parquet file is not always unreadable.
//!
//! A fetched object is hashed in memory; a local file is hashed in one streaming pass (1 MiB at a time)
//! before it is read, so memory stays bounded.

use std::io::{Read, Seek, SeekFrom};

use md5::{Digest, Md5};

use super::rows::Data;
use crate::error::{Error, Result};

/// `data` again, once its MD5 equals `expected` (lowercase hex); else `Corrupt` naming the file.
pub(super) fn verified(data: Data, expected: &str, what: &str, report: &str) -> Result<Data> {
    let (actual, data) = match data {
        Data::Bytes(b) => (hex(&Md5::digest(&b)), Data::Bytes(b)),
        Data::File(mut f) => {
            let mut h = Md5::new();
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = f.read(&mut buf).map_err(|e| Error::from(e).context(format!("reading {what} for its MD5")))?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            f.seek(SeekFrom::Start(0)).map_err(|e| Error::from(e).context(format!("rewinding {what}")))?;
            (hex(&h.finalize()), Data::File(f))
        }
    };
    if actual != expected {
        return Err(Error::corrupt(format!(
            "{what}: its MD5 is {actual}, but {report} gives MD5checksum {expected} for it (the file was changed or \
             damaged after the inventory was written)"
        )));
    }
    Ok(data)
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_md5_passes_and_a_different_one_is_corrupt_naming_the_file() {
        // md5("hello\n"), as `md5sum` prints it.
        let ok = "b1946ac92492d2347c6235b4d2611184";
        let data = Data::Bytes(bytes::Bytes::from_static(b"hello\n"));
        assert!(verified(data, ok, "s3://b/data/a.csv.gz", "manifest.json").is_ok());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv.gz");
        std::fs::write(&p, b"hellO\n").unwrap();
        let e = verified(Data::File(std::fs::File::open(&p).unwrap()), ok, "file:///x/a.csv.gz", "manifest.json").err().unwrap();
        assert_eq!(e.kind, crate::ErrorKind::Corrupt);
        assert!(e.message.contains("file:///x/a.csv.gz") && e.message.contains(ok), "{}", e.message);
    }
}
