//! The formats' type notations (Iceberg `list<long>`, Delta `array<long>`, arrow's `Int64` for plain
//! Parquet) translated into Spark SQL types, nested types included.

use crate::model::TableFormat;

/// The Spark SQL type of a column type in any of the notations [`crate::model::Column`] carries, or
/// `None` when Spark has no such type (or the notation is not understood).
/// `format` matters for one name: Delta's `timestamp` is an instant, Iceberg's a wall-clock time.
pub fn spark_type(t: &str, format: TableFormat) -> Option<String> {
    let t = t.trim();
    if let Some(inner) = generic(t, &["struct"]) {
        let fields: Option<Vec<String>> = split_top(inner)
            .into_iter()
            .map(|f| {
                let (name, ty) = f.split_once(':')?;
                Some(format!("{}: {}", super::ident(name.trim()), spark_type(ty, format)?))
            })
            .collect();
        return Some(format!("STRUCT<{}>", fields?.join(", ")));
    }
    if let Some(inner) = generic(t, &["list", "array"]) {
        return Some(format!("ARRAY<{}>", spark_type(inner, format)?));
    }
    if let Some(inner) = generic(t, &["map"]) {
        let parts = split_top(inner);
        let [k, v] = parts.as_slice() else { return None };
        return Some(format!("MAP<{}, {}>", spark_type(k, format)?, spark_type(v, format)?));
    }
    if let Some(args) = call(t, &["decimal", "Decimal128", "Decimal256"]) {
        let nums: Vec<&str> = args.split(',').map(str::trim).collect();
        let [p, s] = nums.as_slice() else { return None };
        if p.parse::<u32>().is_ok() && s.parse::<i32>().is_ok() {
            return Some(format!("DECIMAL({p},{s})"));
        }
        return None;
    }
    if t.starts_with("fixed[") || t.starts_with("FixedSizeBinary(") {
        return Some("BINARY".into());
    }
    if let Some(args) = call(t, &["Timestamp"]) {
        // Arrow: `Timestamp(µs, "UTC")` has a zone, `Timestamp(µs)` / `Timestamp(Microsecond, None)` none.
        let zoned = args.split_once(',').is_some_and(|(_, tz)| tz.trim() != "None");
        return Some(if zoned { "TIMESTAMP" } else { "TIMESTAMP_NTZ" }.into());
    }
    let s = match t {
        "boolean" | "Boolean" => "BOOLEAN",
        "byte" | "Int8" => "TINYINT",
        "short" | "Int16" | "UInt8" => "SMALLINT",
        "int" | "integer" | "Int32" | "UInt16" => "INT",
        "long" | "Int64" | "UInt32" => "BIGINT",
        "float" | "Float32" => "FLOAT",
        "double" | "Float64" => "DOUBLE",
        "date" | "Date32" | "Date64" => "DATE",
        "time" => "TIME",
        // Delta `timestamp` and Iceberg `timestamptz` are instants; the others are wall-clock times.
        "timestamp" if format == TableFormat::Delta => "TIMESTAMP",
        "timestamp" => "TIMESTAMP_NTZ",
        "timestamptz" | "timestamptz_ns" => "TIMESTAMP",
        "timestamp_ntz" | "timestamp_ns" => "TIMESTAMP_NTZ",
        "string" | "uuid" | "Utf8" | "LargeUtf8" | "Utf8View" => "STRING",
        "binary" | "Binary" | "LargeBinary" | "BinaryView" => "BINARY",
        "variant" => "VARIANT",
        _ => return None,
    };
    Some(s.into())
}

/// `name<inner>` for any of `names` (case-insensitive), giving `inner`.
fn generic<'a>(t: &'a str, names: &[&str]) -> Option<&'a str> {
    let (head, rest) = t.split_once('<')?;
    let inner = rest.strip_suffix('>')?;
    names.iter().any(|n| n.eq_ignore_ascii_case(head.trim())).then_some(inner)
}

/// `name(args)` for any of `names` (exact), giving `args`.
fn call<'a>(t: &'a str, names: &[&str]) -> Option<&'a str> {
    let (head, rest) = t.split_once('(')?;
    let args = rest.strip_suffix(')')?;
    names.contains(&head).then_some(args)
}

/// Split on commas that are not inside `<>` or `()`.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}
