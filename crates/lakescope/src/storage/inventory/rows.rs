//! The rows of one inventory data file, handed to a callback as (key, size, modification time):
//! S3 Inventory CSV (gzip, no header, every value quoted, keys form-URL-encoded), Parquet and ORC
//! (columns named as AWS names them: `key`, `size`, `last_modified_date`, `is_latest`,
//! `is_delete_marker`), and `hdfs oiv -p Delimited` dumps. Files are read front to back in batches,
//! never held whole (a local file is streamed; a remote one is fetched as one object, so memory is
//! bounded by the size of one data file, not by the rows of the inventory).
//!
//! Only current objects count, as in a listing: an all-versions report's noncurrent versions
//! (`is_latest` false) and delete markers are skipped.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Int64Type, TimeUnit};
use bytes::Bytes;

use crate::error::{Error, Result};

/// A data file's bytes: a local file (streamed) or a fetched object.
pub(super) enum Data {
    File(std::fs::File),
    Bytes(Bytes),
}

impl Data {
    fn reader(self) -> Box<dyn Read + Send> {
        match self {
            Data::File(f) => Box::new(f),
            Data::Bytes(b) => Box::new(std::io::Cursor::new(b)),
        }
    }
}

/// Called per current object: (key, size, last modified ms). An `Err` stops the file (cancel).
pub(super) type Sink<'a> = dyn FnMut(&str, u64, i64) -> Result<()> + 'a;

/// Where the CSV's fields are, from the manifest's `fileSchema` (`Bucket, Key, Size, …`).
#[derive(Debug, Clone)]
pub(super) struct CsvColumns {
    count: usize,
    key: usize,
    size: usize,
    modified: Option<usize>,
    is_latest: Option<usize>,
    is_delete_marker: Option<usize>,
}

impl CsvColumns {
    pub fn from_schema(schema: &str, manifest: &str) -> Result<Self> {
        let names: Vec<String> = schema.split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
        let find = |n: &str| names.iter().position(|c| c == n);
        let need = |n: &str, field: &str| {
            find(n).ok_or_else(|| {
                Error::unsupported(format!(
                    "{manifest}: the inventory's fileSchema {schema:?} has no {field} field; sizes need an inventory \
                     configured with the {field} field"
                ))
            })
        };
        Ok(CsvColumns {
            count: names.len(),
            key: need("key", "Key")?,
            size: need("size", "Size")?,
            modified: find("lastmodifieddate"),
            is_latest: find("islatest"),
            is_delete_marker: find("isdeletemarker"),
        })
    }
}

/// The field ranges of one CSV line (quotes removed; `""` inside quotes left for [`unquote`]).
fn split_fields(line: &[u8], out: &mut Vec<(usize, usize, bool)>) -> bool {
    out.clear();
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut escaped = false;
            loop {
                match memchr::memchr(b'"', &line[j..]) {
                    None => return false,
                    Some(k) => {
                        j += k;
                        if line.get(j + 1) == Some(&b'"') {
                            escaped = true;
                            j += 2;
                        } else {
                            break;
                        }
                    }
                }
            }
            out.push((start, j, escaped));
            i = j + 1;
        } else {
            let end = memchr::memchr(b',', &line[i..]).map_or(line.len(), |k| i + k);
            out.push((i, end, false));
            i = end;
        }
        match line.get(i) {
            None => return true,
            Some(b',') => i += 1,
            Some(_) => return false,
        }
    }
}

/// Form-URL decoding as S3 Inventory writes keys in CSV (`+` is a space, `%XX` a byte).
pub(super) fn form_decode(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| b == b'%' || b == b'+') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(crate::storage::percent_decode(&s.replace('+', " ")))
}

/// `2026-11-30T12:00:00.000Z` (S3 Inventory) or `2026-11-30 12:00` (oiv) as epoch ms; `None` if not one.
pub(super) fn parse_time_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0i64, |a, d| a * 10 + i64::from(d - b'0')))
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let sec = if b.len() >= 19 && b[16] == b':' { num(17..19)? } else { 0 };
    let ms = if b.len() >= 23 && b[19] == b'.' { num(20..23)? } else { 0 };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms)
}

/// Lines of a possibly gzipped text file; a truncated or damaged gzip stream is Corrupt, naming `what`.
fn lines(data: Data, gzip: bool, what: &str, mut each: impl FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
    let raw = data.reader();
    let inner: Box<dyn Read + Send> = if gzip { Box::new(flate2::read::MultiGzDecoder::new(raw)) } else { raw };
    let mut r = BufReader::with_capacity(1 << 18, inner);
    let mut buf = Vec::with_capacity(512);
    let mut n = 0;
    loop {
        buf.clear();
        let got = r.read_until(b'\n', &mut buf).map_err(|e| {
            Error::corrupt(format!("{what}: cannot read line {} ({}): {e}", n + 1, if gzip { "truncated or damaged gzip" } else { "read error" }))
        })?;
        if got == 0 {
            return Ok(());
        }
        n += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.is_empty() {
            continue;
        }
        each(n, &buf)?;
    }
}

/// An S3 Inventory CSV data file.
pub(super) fn csv(data: Data, gzip: bool, cols: &CsvColumns, what: &str, sink: &mut Sink) -> Result<()> {
    let mut fields = Vec::with_capacity(cols.count);
    lines(data, gzip, what, |n, line| {
        let bad = |why: &str| Error::corrupt(format!("{what} line {n}: {why}"));
        if !split_fields(line, &mut fields) {
            return Err(bad("unbalanced quotes"));
        }
        if fields.len() != cols.count {
            return Err(bad(&format!("{} fields where the manifest's fileSchema has {}", fields.len(), cols.count)));
        }
        let text = |i: usize| -> Result<&str> {
            let (s, e, _) = fields[i];
            std::str::from_utf8(&line[s..e]).map_err(|_| bad("not UTF-8"))
        };
        let flag = |i: Option<usize>| -> Result<Option<bool>> {
            Ok(match i {
                Some(i) => Some(text(i)?.eq_ignore_ascii_case("true")),
                None => None,
            })
        };
        if flag(cols.is_latest)? == Some(false) || flag(cols.is_delete_marker)? == Some(true) {
            return Ok(());
        }
        let size_text = text(cols.size)?;
        let size = if size_text.is_empty() {
            0
        } else {
            size_text.parse::<u64>().map_err(|_| bad(&format!("size {size_text:?} is not a number")))?
        };
        let modified = match cols.modified {
            Some(i) => parse_time_ms(text(i)?).unwrap_or(0),
            None => 0,
        };
        let (s, e, escaped) = fields[cols.key];
        let raw = std::str::from_utf8(&line[s..e]).map_err(|_| bad("key is not UTF-8"))?;
        let unquoted: Cow<str> = if escaped { Cow::Owned(raw.replace("\"\"", "\"")) } else { Cow::Borrowed(raw) };
        sink(&form_decode(&unquoted), size, modified)
    })
}

/// The columns a columnar inventory batch is read for, by their AWS names.
pub(super) const COLUMNS: [&str; 5] = ["key", "size", "last_modified_date", "is_latest", "is_delete_marker"];

/// The rows of one Parquet or ORC batch (columns found by name, case-insensitively).
fn batch(b: &RecordBatch, what: &str, sink: &mut Sink) -> Result<()> {
    let col = |name: &str| -> Option<&ArrayRef> {
        let i = b.schema().fields().iter().position(|f| f.name().eq_ignore_ascii_case(name))?;
        Some(b.column(i))
    };
    let missing = |name: &str| Error::unsupported(format!("{what}: no `{name}` column (sizes need an inventory with the Size field)"));
    let key = col("key").ok_or_else(|| missing("key"))?;
    let key = arrow::compute::cast(key, &DataType::Utf8).map_err(|e| Error::corrupt(format!("{what}: key column: {e}")))?;
    let key = key.as_string::<i32>();
    let size = arrow::compute::cast(col("size").ok_or_else(|| missing("size"))?, &DataType::Int64)
        .map_err(|e| Error::corrupt(format!("{what}: size column: {e}")))?;
    let size = size.as_primitive::<Int64Type>();
    let modified = col("last_modified_date").map(|c| millis(c, what)).transpose()?;
    let latest = col("is_latest").and_then(|c| c.as_boolean_opt().cloned());
    let marker = col("is_delete_marker").and_then(|c| c.as_boolean_opt().cloned());
    for i in 0..b.num_rows() {
        if latest.as_ref().is_some_and(|l| l.is_valid(i) && !l.value(i)) || marker.as_ref().is_some_and(|m| m.is_valid(i) && m.value(i)) {
            continue;
        }
        if key.is_null(i) {
            return Err(Error::corrupt(format!("{what}: a row without a key")));
        }
        let sz = if size.is_null(i) { 0 } else { size.value(i).max(0) as u64 };
        let m = modified.as_ref().map_or(0, |m| if m.is_null(i) { 0 } else { m.value(i) });
        sink(key.value(i), sz, m)?;
    }
    Ok(())
}

/// A timestamp column (any unit) as epoch milliseconds.
fn millis(c: &ArrayRef, what: &str) -> Result<arrow::array::Int64Array> {
    let per_ms: i64 = match c.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => -1000,
        DataType::Timestamp(TimeUnit::Millisecond, _) | DataType::Int64 => 1,
        DataType::Timestamp(TimeUnit::Microsecond, _) => 1000,
        DataType::Timestamp(TimeUnit::Nanosecond, _) => 1_000_000,
        other => return Err(Error::unsupported(format!("{what}: last_modified_date is {other}, not a timestamp"))),
    };
    let raw = arrow::compute::cast(c, &DataType::Int64).map_err(|e| Error::corrupt(format!("{what}: {e}")))?;
    let raw = raw.as_primitive::<Int64Type>();
    Ok(if per_ms == 1 {
        raw.clone()
    } else if per_ms < 0 {
        raw.unary(|v| v * 1000)
    } else {
        raw.unary(|v| v.div_euclid(per_ms))
    })
}

/// A Parquet inventory data file, read only for the columns above.
pub(super) fn parquet(data: Data, what: &str, sink: &mut Sink) -> Result<()> {
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let bad = |e: parquet::errors::ParquetError| Error::corrupt(format!("{what}: not a readable Parquet file: {e}"));
    fn run<R: parquet::file::reader::ChunkReader + 'static>(r: R, what: &str, sink: &mut Sink, bad: &dyn Fn(parquet::errors::ParquetError) -> Error) -> Result<()> {
        // The Arrow schema some writers embed (ARROW:schema) is skipped: the columns are read by the
        // Parquet schema alone. Decoding a damaged one panicked in arrow-ipc (found by fuzzing
        // `inventory_parquet`), and S3 Inventory's own files carry none.
        let options = parquet::arrow::arrow_reader::ArrowReaderOptions::new().with_skip_arrow_metadata(true);
        let len = parquet::file::reader::Length::len(&r);
        let b = ParquetRecordBatchReaderBuilder::try_new_with_options(r, options).map_err(bad)?;
        // The footer is checked before any page is read by it (the parquet crate panics on some
        // damaged ones: table::check_footer).
        crate::table::check_footer(b.metadata(), len, what)?;
        let roots: Vec<usize> = b
            .parquet_schema()
            .root_schema()
            .get_fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| COLUMNS.iter().any(|c| f.name().eq_ignore_ascii_case(c)))
            .map(|(i, _)| i)
            .collect();
        let mask = ProjectionMask::roots(b.parquet_schema(), roots);
        let reader = b.with_projection(mask).with_batch_size(65_536).build().map_err(bad)?;
        // The parquet crate panics on some damaged pages (found by fuzzing): this file's Corrupt error.
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<()> {
            for rb in reader {
                let rb = rb.map_err(|e| Error::corrupt(format!("{what}: {e}")))?;
                batch(&rb, what, sink)?;
            }
            Ok(())
        }));
        read.unwrap_or_else(|p| {
            let why = crate::error::panic_text(p.as_ref());
            Err(Error::corrupt(format!("{what}: not a readable Parquet file: the Parquet reader failed on its pages ({why})")))
        })
    }
    match data {
        Data::File(f) => run(f, what, sink, &bad),
        Data::Bytes(b) => run(b, what, sink, &bad),
    }
}

/// An ORC inventory data file, read only for the columns above.
pub(super) fn orc(data: Data, what: &str, sink: &mut Sink) -> Result<()> {
    use orc_rust::ArrowReaderBuilder;
    use orc_rust::projection::ProjectionMask;
    fn run<R: orc_rust::reader::ChunkReader>(r: R, what: &str, sink: &mut Sink) -> Result<()> {
        let b = ArrowReaderBuilder::try_new(r).map_err(|e| Error::corrupt(format!("{what}: not a readable ORC file: {e}")))?;
        let root = b.file_metadata().root_data_type();
        let names: Vec<String> = root
            .children()
            .iter()
            .map(|c| c.name().to_string())
            .filter(|n| COLUMNS.iter().any(|c| n.eq_ignore_ascii_case(c)))
            .collect();
        let mask = ProjectionMask::named_roots(root, &names);
        for rb in b.with_projection(mask).with_batch_size(65_536).build() {
            let rb = rb.map_err(|e| Error::corrupt(format!("{what}: {e}")))?;
            batch(&rb, what, sink)?;
        }
        Ok(())
    }
    // orc-rust trusts the file's lengths and chunk headers and panics on damaged ones (found by fuzzing
    // `inventory_orc`): its framing is checked first (orc_check::open), and every read bounded by the file.
    // What the check cannot vouch for is the values: orc-rust's decoders (RLE, byte runs, …) index and
    // subtract by what a damaged stream holds and panic (found by damaging every byte of a real file,
    // `fuzzing::tests::every_damaged_byte_of_a_real_orc_inventory_is_an_answer_or_an_error_never_a_panic`).
    // Checking those would be decoding the file ourselves: a panic there is this file's `Corrupt` error
    // instead of the end of the process (the default hook still prints it; the rows counted so far are
    // dropped with the error). The fuzz target lets these through and stops on any other panic.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match data {
        Data::File(f) => run(super::orc_check::open(f, what)?, what, sink),
        Data::Bytes(b) => run(super::orc_check::open(b, what)?, what, sink),
    }));
    read.unwrap_or_else(|panic| {
        let why = crate::error::panic_text(panic.as_ref());
        Err(Error::corrupt(format!("{what}: not a readable ORC file: the ORC reader failed on its values ({why})")))
    })
}

/// Which columns of an oiv Delimited dump hold what, from its header line.
struct OivColumns {
    count: usize,
    path: usize,
    modified: usize,
    size: usize,
    permission: usize,
}

/// An `hdfs oiv -p Delimited` dump: a header naming the columns, then one tab-separated line per inode.
/// Only files count (Permission starting with `-`); directories and symlinks are not objects. Paths are
/// handed on without their leading `/`.
pub(super) fn oiv(data: Data, gzip: bool, what: &str, sink: &mut Sink) -> Result<()> {
    let mut cols: Option<OivColumns> = None;
    let mut fields: Vec<(usize, usize)> = Vec::with_capacity(12);
    lines(data, gzip, what, |n, line| {
        let bad = |why: String| Error::corrupt(format!("{what} line {n}: {why}"));
        let Some(c) = &cols else {
            let names: Vec<&[u8]> = line.split(|b| *b == b'\t').collect();
            let find = |name: &str| names.iter().position(|h| *h == name.as_bytes());
            let (Some(path), Some(modified), Some(size), Some(permission)) =
                (find("Path"), find("ModificationTime"), find("FileSize"), find("Permission"))
            else {
                return Err(Error::corrupt(format!(
                    "{what}: not `hdfs oiv -p Delimited` output (its first line should be the header \
                     Path<TAB>Replication<TAB>ModificationTime<TAB>…<TAB>FileSize<TAB>…<TAB>Permission…)"
                )));
            };
            cols = Some(OivColumns { count: names.len(), path, modified, size, permission });
            return Ok(());
        };
        fields.clear();
        let mut start = 0;
        for tab in memchr::memchr_iter(b'\t', line) {
            fields.push((start, tab));
            start = tab + 1;
        }
        fields.push((start, line.len()));
        let field = |i: usize| &line[fields[i].0..fields[i].1];
        if fields.len() != c.count {
            return Err(bad(format!("{} fields where the header has {}", fields.len(), c.count)));
        }
        if field(c.permission).first() != Some(&b'-') {
            return Ok(());
        }
        let text = |i: usize| std::str::from_utf8(field(i)).map_err(|_| bad("not UTF-8".into()));
        let size_text = text(c.size)?;
        let size = size_text.parse::<u64>().map_err(|_| bad(format!("FileSize {size_text:?} is not a number")))?;
        let modified = parse_time_ms(text(c.modified)?).unwrap_or(0);
        sink(text(c.path)?.trim_start_matches('/'), size, modified)
    })?;
    if cols.is_none() {
        return Err(Error::corrupt(format!("{what}: empty, not an `hdfs oiv -p Delimited` dump")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(text: &str) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    fn rows_of(text: &str, schema: &str) -> Result<Vec<(String, u64, i64)>> {
        let cols = CsvColumns::from_schema(schema, "m.json")?;
        let mut out = Vec::new();
        csv(Data::Bytes(gz(text).into()), true, &cols, "inv.csv.gz", &mut |k, s, m| {
            out.push((k.to_string(), s, m));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn csv_keys_are_form_decoded_and_old_versions_skipped() {
        let schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate";
        let text = concat!(
            "\"b\",\"a/my+file%2B1.txt\",\"v1\",\"true\",\"false\",\"5\",\"2026-11-30T12:00:00.250Z\"\n",
            "\"b\",\"a/old\",\"v0\",\"false\",\"false\",\"9\",\"2026-11-29T00:00:00.000Z\"\n",
            "\"b\",\"a/gone\",\"v2\",\"true\",\"true\",\"\",\"2026-11-29T00:00:00.000Z\"\n",
            "\"b\",\"per%2525cent/x\"\"q\",\"v3\",\"true\",\"false\",\"0\",\"1970-01-01T00:00:00.000Z\"\n",
        );
        let rows = rows_of(text, schema).unwrap();
        assert_eq!(
            rows,
            [("a/my file+1.txt".to_string(), 5, 1_796_040_000_250), ("per%25cent/x\"q".to_string(), 0, 0)],
            "`+` is a space, %2B a plus; a literal % stays literal after one decoding"
        );
    }

    #[test]
    fn bad_csv_names_the_file_and_line() {
        let e = rows_of("\"b\",\"k\",\"12\"\n\"b\",\"k2\"\n", "Bucket, Key, Size").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Corrupt);
        assert!(e.message.contains("inv.csv.gz line 2") && e.message.contains("2 fields"), "{}", e.message);
        let e = rows_of("\"b\",\"k\",\"x1\"\n", "Bucket, Key, Size").unwrap_err();
        assert!(e.message.contains("\"x1\" is not a number"), "{}", e.message);
        let e = rows_of("", "Bucket, Key").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Unsupported, "{}", e.message);
        let whole = gz(&"\"b\",\"k\",\"12\"\n".repeat(5000));
        let cols = CsvColumns::from_schema("Bucket, Key, Size", "m").unwrap();
        let cut = Bytes::copy_from_slice(&whole[..whole.len() / 2]);
        let e = csv(Data::Bytes(cut), true, &cols, "cut.csv.gz", &mut |_, _, _| Ok(())).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Corrupt);
        assert!(e.message.contains("cut.csv.gz") && e.message.contains("truncated"), "{}", e.message);
    }

    #[test]
    fn oiv_counts_files_only() {
        let text = "Path\tReplication\tModificationTime\tAccessTime\tPreferredBlockSize\tBlocksCount\tFileSize\tNSQUOTA\tDSQUOTA\tPermission\tUserName\tGroupName\n\
/\t0\t2026-11-30 12:00\t1970-01-01 00:00\t0\t0\t0\t-1\t-1\tdrwxr-xr-x\thdfs\tsupergroup\n\
/lake/a.parquet\t3\t2026-11-30 12:00\t2026-11-30 12:00\t134217728\t1\t42\t0\t0\t-rw-r--r--\thdfs\tsupergroup\n";
        let mut out = Vec::new();
        oiv(Data::Bytes(Bytes::from(text)), false, "fsimage.tsv", &mut |k, s, m| {
            out.push((k.to_string(), s, m));
            Ok(())
        })
        .unwrap();
        assert_eq!(out, [("lake/a.parquet".to_string(), 42, 1_796_040_000_000)]);
        let e = oiv(Data::Bytes(Bytes::from("a,b\n")), false, "x.tsv", &mut |_, _, _| Ok(())).unwrap_err();
        assert!(e.message.contains("x.tsv") && e.message.contains("oiv"), "{}", e.message);
    }
}
