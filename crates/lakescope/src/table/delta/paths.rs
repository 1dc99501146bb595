//! From what the log records to what the listing shows: add/remove paths are URL-encoded and relative
//! to the table root (or absolute URIs), deletion vectors name their files in Z85.

use super::actions::DeletionVector;
use crate::storage::Location;

/// Percent-decode a log path (`a%20b` → `a b`; `p=x%2520` → `p=x%20`, Hive's own escaping kept).
pub(super) fn decode(path: &str) -> String {
    let bytes = path.as_bytes();
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

/// The listing path (relative to `root`) of a file the log names, or `None` when it lies outside the
/// table's location (absolute URIs elsewhere are legal; they count as data but not as table storage).
pub(super) fn relative(root: &Location, log_path: &str) -> Option<String> {
    if is_absolute(log_path) {
        if let Ok(url) = url::Url::parse(log_path) {
            if url.scheme() == "file" {
                let p = url.to_file_path().ok()?;
                return root.relative_of(&p.display().to_string());
            }
            let decoded = format!("{}://{}{}", url.scheme(), url.host_str().unwrap_or(""), decode(url.path()));
            return root.relative_of(&decoded);
        }
        return root.relative_of(&decode(log_path));
    }
    Some(decode(log_path))
}

fn is_absolute(p: &str) -> bool {
    p.starts_with('/')
        || p.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !scheme.contains('=')
        })
}

/// The file a deletion vector lives in, as a log-style path (`None` for inline vectors).
pub(super) fn deletion_vector_file(dv: &DeletionVector) -> Option<String> {
    match dv.storage_type.as_str() {
        "u" => {
            let s = &dv.path_or_inline_dv;
            let (prefix, encoded) = s.split_at_checked(s.len().checked_sub(20)?)?;
            let uuid = z85_decode(encoded)?;
            let u = uuid.iter().map(|b| format!("{b:02x}")).collect::<String>();
            let uuid = format!("{}-{}-{}-{}-{}", &u[0..8], &u[8..12], &u[12..16], &u[16..20], &u[20..32]);
            Some(if prefix.is_empty() {
                format!("deletion_vector_{uuid}.bin")
            } else {
                format!("{prefix}/deletion_vector_{uuid}.bin")
            })
        }
        "p" => Some(dv.path_or_inline_dv.clone()),
        _ => None,
    }
}

const Z85: &[u8; 85] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

fn z85_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(5) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 5 * 4);
    for chunk in s.as_bytes().chunks(5) {
        let mut value: u64 = 0;
        for c in chunk {
            let digit = Z85.iter().position(|z| z == c)? as u64;
            value = value * 85 + digit;
        }
        out.extend_from_slice(&u32::try_from(value).ok()?.to_be_bytes());
    }
    Some(out)
}

/// VACUUM's notion of a hidden path: the first component starts with `_` or `.`, unless it is a
/// partition directory (`<partition column>=…`) or one of the data folders Delta keeps under
/// underscore names (`_change_data`, `_delta_index`).
pub(super) fn is_hidden(path: &str, partition_columns: &[String]) -> bool {
    let first = path.split('/').next().unwrap_or(path);
    (first.starts_with('_') || first.starts_with('.'))
        && !first.starts_with("_change_data")
        && !first.starts_with("_delta_index")
        && !partition_columns.iter().any(|c| first.starts_with(&format!("{c}=")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_paths_are_percent_decoded_once() {
        assert_eq!(decode("day=2024-01-01/part%20one.parquet"), "day=2024-01-01/part one.parquet");
        assert_eq!(decode("p=a%2520/x.parquet"), "p=a%20/x.parquet");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("a%2"), "a%2");
    }

    #[test]
    fn absolute_uris_below_the_root_become_relative() {
        let root = crate::storage::open("/data/t", &Default::default()).unwrap();
        assert_eq!(relative(&root, "file:///data/t/a%20b.parquet").as_deref(), Some("a b.parquet"));
        assert_eq!(relative(&root, "/data/t/x.parquet").as_deref(), Some("x.parquet"));
        assert_eq!(relative(&root, "file:///elsewhere/x.parquet"), None);
        assert_eq!(relative(&root, "day=2024-01-01/x.parquet").as_deref(), Some("day=2024-01-01/x.parquet"));
        assert_eq!(relative(&root, "a%3Ab=1/x.parquet").as_deref(), Some("a:b=1/x.parquet"));
    }

    #[test]
    fn deletion_vector_files_follow_the_protocol_example() {
        // The Delta protocol's example: prefix "ab", UUID d2c639aa-8816-431a-aaf6-d3fe2512ff61.
        let dv = DeletionVector {
            storage_type: "u".into(),
            path_or_inline_dv: "ab^-aqEH.-t@S}K{vb[*k^".into(),
            offset: Some(4),
        };
        assert_eq!(
            deletion_vector_file(&dv).as_deref(),
            Some("ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin")
        );
        let inline = DeletionVector {
            storage_type: "i".into(),
            path_or_inline_dv: "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L".into(),
            offset: None,
        };
        assert_eq!(deletion_vector_file(&inline), None);
    }

    #[test]
    fn hidden_paths_as_vacuum_sees_them() {
        let parts = vec!["_p".to_string()];
        assert!(is_hidden("_delta_log/00000000000000000000.json", &parts));
        assert!(is_hidden(".hidden.parquet", &parts));
        assert!(is_hidden("_tmp/x.parquet", &parts));
        assert!(!is_hidden("_p=1/x.parquet", &parts));
        assert!(!is_hidden("_change_data/cdc-0.parquet", &parts));
        assert!(!is_hidden("day=1/.x.parquet.crc", &parts));
        assert!(!is_hidden("x.parquet", &parts));
    }
}
