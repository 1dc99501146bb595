//! Arrow values as JSON a script or a browser can take without loss or surprise.
//!
//! JavaScript cannot hold every 64-bit integer or decimal exactly and has no date type, so: integers
//! and floats are JSON numbers (non-finite floats become the strings `NaN`, `inf`, `-inf`); decimals,
//! dates and timestamps are text (ISO 8601; a timestamp with a time zone is shown in UTC with
//! `+00:00`, fractions only when non-zero, as Python's `isoformat` writes them); binary is lower-case
//! hex; structs are objects, lists arrays, maps objects keyed by the key's text.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    Int8Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::{Map, Value};

/// Row `i` of `a` as JSON.
pub fn to_json(a: &dyn Array, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    match a.data_type() {
        DataType::Null => Value::Null,
        DataType::Boolean => Value::Bool(a.as_boolean().value(i)),
        DataType::Int8 => a.as_primitive::<Int8Type>().value(i).into(),
        DataType::Int16 => a.as_primitive::<Int16Type>().value(i).into(),
        DataType::Int32 => a.as_primitive::<Int32Type>().value(i).into(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(i).into(),
        DataType::UInt8 => a.as_primitive::<UInt8Type>().value(i).into(),
        DataType::UInt16 => a.as_primitive::<UInt16Type>().value(i).into(),
        DataType::UInt32 => a.as_primitive::<UInt32Type>().value(i).into(),
        DataType::UInt64 => a.as_primitive::<UInt64Type>().value(i).into(),
        DataType::Float16 => float(f64::from(a.as_primitive::<Float16Type>().value(i))),
        DataType::Float32 => float(f64::from(a.as_primitive::<Float32Type>().value(i))),
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => a.as_string::<i32>().value(i).into(),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i).into(),
        DataType::Utf8View => a.as_string_view().value(i).into(),
        DataType::Binary => hex(a.as_binary::<i32>().value(i)),
        DataType::LargeBinary => hex(a.as_binary::<i64>().value(i)),
        DataType::BinaryView => hex(a.as_binary_view().value(i)),
        DataType::FixedSizeBinary(_) => hex(a.as_fixed_size_binary().value(i)),
        DataType::Date32 => date(a.as_primitive::<Date32Type>().value_as_date(i)),
        DataType::Date64 => date(a.as_primitive::<Date64Type>().value_as_date(i)),
        DataType::Timestamp(unit, tz) => {
            let (secs, nanos) = match unit {
                TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().value(i), 0),
                TimeUnit::Millisecond => split(a.as_primitive::<TimestampMillisecondType>().value(i), 1_000),
                TimeUnit::Microsecond => split(a.as_primitive::<TimestampMicrosecondType>().value(i), 1_000_000),
                TimeUnit::Nanosecond => split(a.as_primitive::<TimestampNanosecondType>().value(i), 1_000_000_000),
            };
            timestamp(secs, nanos, tz.is_some())
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let mut obj = Map::new();
            for (f, col) in fields.iter().zip(s.columns()) {
                obj.insert(f.name().clone(), to_json(col.as_ref(), i));
            }
            Value::Object(obj)
        }
        DataType::List(_) => list(a.as_list::<i32>().value(i).as_ref()),
        DataType::LargeList(_) => list(a.as_list::<i64>().value(i).as_ref()),
        DataType::FixedSizeList(_, _) => list(a.as_fixed_size_list().value(i).as_ref()),
        DataType::Map(_, _) => {
            let entries = a.as_map().value(i);
            let (keys, values) = (entries.column(0), entries.column(1));
            let mut obj = Map::new();
            for j in 0..entries.len() {
                let key = match to_json(keys.as_ref(), j) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                obj.insert(key, to_json(values.as_ref(), j));
            }
            Value::Object(obj)
        }
        // Decimals, times, intervals, dictionaries: arrow's own text (decimals keep their scale).
        _ => display(a, i),
    }
}

/// A partition value kept as text in metadata (Delta `partitionValues`, Hive folder names), typed by
/// the column's type in the format's notation so it reads like the same value from a data file.
pub fn partition_value(text: &str, data_type: &str) -> Value {
    let t = data_type.to_ascii_lowercase();
    let parsed = match t.as_str() {
        "byte" | "short" | "integer" | "int" | "long" | "bigint" | "tinyint" | "smallint" => {
            text.parse::<i64>().ok().map(Value::from)
        }
        "float" | "double" => text.parse::<f64>().ok().map(float),
        "boolean" => text.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

fn float(x: f64) -> Value {
    serde_json::Number::from_f64(x).map(Value::Number).unwrap_or_else(|| {
        Value::String(if x.is_nan() { "NaN".into() } else if x > 0.0 { "inf".into() } else { "-inf".into() })
    })
}

fn hex(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn date(d: Option<chrono::NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.format("%Y-%m-%d").to_string()))
}

/// Whole seconds and non-negative nanoseconds of a count of `per_sec` units since the epoch.
fn split(v: i64, per_sec: i64) -> (i64, u32) {
    (v.div_euclid(per_sec), (v.rem_euclid(per_sec) * (1_000_000_000 / per_sec)) as u32)
}

fn timestamp(secs: i64, nanos: u32, zoned: bool) -> Value {
    let Some(t) = chrono::DateTime::from_timestamp(secs, nanos) else { return Value::String(format!("{secs}s")) };
    let mut s = t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
    if !nanos.is_multiple_of(1000) {
        s.push_str(&format!(".{nanos:09}"));
    } else if nanos != 0 {
        s.push_str(&format!(".{:06}", nanos / 1000));
    }
    if zoned {
        s.push_str("+00:00");
    }
    Value::String(s)
}

fn list(a: &dyn Array) -> Value {
    Value::Array((0..a.len()).map(|j| to_json(a, j)).collect())
}

fn display(a: &dyn Array, i: usize) -> Value {
    match ArrayFormatter::try_new(a, &FormatOptions::default()) {
        Ok(f) => Value::String(f.value(i).to_string()),
        Err(e) => Value::String(format!("<{}: {e}>", a.data_type())),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, BinaryArray, Decimal128Array, Float64Array, Int64Array, ListArray, StringArray, StructArray,
        TimestampMicrosecondArray,
    };
    use arrow::datatypes::{Field, Int32Type};
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_render_as_python_writes_them() {
        let ts = TimestampMicrosecondArray::from(vec![Some(1_500_000), Some(-1), Some(0)]).with_timezone("UTC");
        assert_eq!(to_json(&ts, 0), json!("1970-01-01T00:00:01.500000+00:00"));
        assert_eq!(to_json(&ts, 1), json!("1969-12-31T23:59:59.999999+00:00"));
        let naive = TimestampMicrosecondArray::from(vec![0]);
        assert_eq!(to_json(&naive, 0), json!("1970-01-01T00:00:00"));
        let dec = Decimal128Array::from(vec![Some(-5), Some(12_340), None]).with_precision_and_scale(12, 2).unwrap();
        assert_eq!(to_json(&dec, 0), json!("-0.05"));
        assert_eq!(to_json(&dec, 1), json!("123.40"));
        assert_eq!(to_json(&dec, 2), Value::Null);
        assert_eq!(to_json(&BinaryArray::from(vec![&[0u8, 171][..]]), 0), json!("00ab"));
        let f = Float64Array::from(vec![f64::NAN, f64::NEG_INFINITY, 0.1]);
        assert_eq!([to_json(&f, 0), to_json(&f, 1), to_json(&f, 2)], [json!("NaN"), json!("-inf"), json!(0.1)]);
        assert_eq!(to_json(&Int64Array::from(vec![i64::MAX]), 0), json!(i64::MAX));
    }

    #[test]
    fn nested_values_are_json_objects_and_arrays() {
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
        let names: ArrayRef = Arc::new(StringArray::from(vec![Some("a\"b"), None]));
        let s = StructArray::from(vec![
            (Arc::new(Field::new("id", DataType::Int64, false)), ids),
            (Arc::new(Field::new("name", DataType::Utf8, true)), names),
        ]);
        assert_eq!(to_json(&s, 0), json!({"id": 1, "name": "a\"b"}));
        assert_eq!(to_json(&s, 1), json!({"id": 2, "name": null}));
        let l = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None]), Some(vec![])]);
        assert_eq!(to_json(&l, 0), json!([1, null]));
        assert_eq!(to_json(&l, 1), json!([]));
    }

    #[test]
    fn partition_text_takes_the_column_type() {
        assert_eq!(partition_value("42", "long"), json!(42));
        assert_eq!(partition_value("true", "boolean"), json!(true));
        assert_eq!(partition_value("2026-11-05", "date"), json!("2026-11-05"));
        assert_eq!(partition_value("x", "integer"), json!("x"));
    }
}
