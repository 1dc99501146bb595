//! Storage access for table readers: resolve a location string to a store, list every file under it,
//! read whole files or byte ranges.
//!
//! Remote stores (S3, GCS, Azure, HTTP) go through object_store. Local paths are read with `std::fs`
//! directly because object_store's `LocalFileSystem` follows symlinks and skips some file names, and a
//! storage breakdown must see every regular file exactly as `du` would.

mod browse;
mod du;
mod facade;
pub mod inventory;
mod local;
mod location;
mod prefixes;
mod remote;

pub use browse::{PrefixEntry, PrefixListing};
pub(crate) use browse::probe;
pub use du::{DuChild, DuOptions, DuProgress, DuReport};
pub use location::{FileEntry, Location};

use std::collections::BTreeMap;

use url::Url;

use crate::error::{Error, Result};

/// Parse what a user typed (a local path, `file://…`, `s3://…`, `gs://…`, `az://…`) into a URL.
/// Relative local paths are made absolute against the current directory.
pub fn parse_location(text: &str) -> Result<Url> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("empty location"));
    }
    let is_scheme = |s: &str| s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
    if text.split_once("://").is_some_and(|(scheme, _)| is_scheme(scheme)) {
        return Url::parse(text).map_err(|e| Error::invalid(format!("location {text:?} is not a valid URL: {e}")));
    }
    let path = std::path::Path::new(text);
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(Error::from)?.join(path)
    };
    let abs = normalize(&abs);
    Url::from_file_path(&abs).map_err(|_| Error::invalid(format!("location {text:?} is not a usable path")))
}

/// Lexically remove `.` and `..` so `./demo/../demo` names the same table as `demo`.
fn normalize(p: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Decode `%XX` escapes (Delta log paths, Hive partition directories); a `%` not followed by two hex
/// digits is kept as it is, and invalid UTF-8 is replaced rather than rejected.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Open a location with store options (endpoint, region, …) as given in a source.
pub fn open(text: &str, options: &BTreeMap<String, String>) -> Result<Location> {
    Location::open(parse_location(text)?, options)
}
