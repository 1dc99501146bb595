//! Deterministic row generators for the demo lakehouse.
//!
//! Every batch is a pure function of (recipe seed, table name, day, file index), so a demo built twice
//! for the same anchor day is identical, and a copy-on-write delete can regenerate the rows it rewrites.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, Date32Builder, Decimal128Builder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;

use super::recipe::AddColumn;
use crate::error::{Error, Result};

/// Dataset names a recipe may use.
pub const DATASETS: &[&str] =
    &["orders", "revenue", "clicks", "features", "customers", "payments", "ltv", "ab_test", "web_logs", "export"];

#[derive(Clone, Copy)]
enum Gen {
    /// Unique, increasing id per row (non-null).
    SeqId,
    /// A foreign key drawn from 1..=n.
    IdRange(i64),
    Pick(&'static [&'static str]),
    /// Like `Pick`, but about one row in five is NULL.
    NullablePick(&'static [&'static str]),
    /// Money in cents between the bounds, as decimal(12,2).
    Money(i64, i64),
    Int(i32, i32),
    Double(f64, f64),
    /// A timestamp during the row's day (UTC, microseconds).
    TsOfDay,
    /// The row's day itself (the partition column of day-partitioned tables).
    Day,
    Email,
    Token,
}

struct Dataset {
    columns: &'static [(&'static str, Gen)],
    /// The date column used for day partitioning (absent from Parquet files: Hive puts it in `dt=`).
    day_column: Option<&'static str>,
}

const COUNTRIES: &[&str] = &["KR", "US", "DE", "JP", "FR", "GB", "BR", "IN"];
const STATUS: &[&str] = &["placed", "paid", "shipped", "delivered", "returned"];

fn dataset(name: &str) -> &'static Dataset {
    use Gen::*;
    static ORDERS: Dataset = Dataset {
        columns: &[
            ("order_id", SeqId),
            ("customer_id", IdRange(50_000)),
            ("product_id", Int(1, 5_000)),
            ("quantity", Int(1, 5)),
            ("amount", Money(199, 250_000)),
            ("currency", Pick(&["KRW", "USD", "EUR", "JPY"])),
            ("status", Pick(STATUS)),
            ("order_ts", TsOfDay),
            ("order_date", Day),
        ],
        day_column: Some("order_date"),
    };
    static REVENUE: Dataset = Dataset {
        columns: &[
            ("revenue_date", Day),
            ("country", Pick(COUNTRIES)),
            ("orders", IdRange(20_000)),
            ("revenue", Money(100_000, 900_000_000)),
        ],
        day_column: None,
    };
    static CLICKS: Dataset = Dataset {
        columns: &[
            ("event_id", SeqId),
            ("session_id", Token),
            ("user_id", IdRange(200_000)),
            ("page", Pick(&["/", "/search", "/product", "/cart", "/checkout", "/account"])),
            ("referrer", NullablePick(&["google", "naver", "newsletter", "instagram"])),
            ("event_ts", TsOfDay),
            ("event_date", Day),
        ],
        day_column: Some("event_date"),
    };
    static FEATURES: Dataset = Dataset {
        columns: &[
            ("customer_id", IdRange(50_000)),
            ("tenure_days", Int(0, 2_000)),
            ("orders_90d", Int(0, 40)),
            ("spend_90d", Double(0.0, 5_000.0)),
            ("churn_score", Double(0.0, 1.0)),
            ("feature_date", Day),
        ],
        day_column: Some("feature_date"),
    };
    static CUSTOMERS: Dataset = Dataset {
        columns: &[
            ("customer_id", SeqId),
            ("email", Email),
            ("country", Pick(COUNTRIES)),
            ("segment", NullablePick(&["consumer", "smb", "enterprise"])),
            ("signup_ts", TsOfDay),
        ],
        day_column: None,
    };
    static PAYMENTS: Dataset = Dataset {
        columns: &[
            ("payment_id", SeqId),
            ("order_id", IdRange(5_000_000)),
            ("method", Pick(&["card", "bank_transfer", "wallet", "voucher"])),
            ("amount", Money(199, 250_000)),
            ("status", Pick(&["authorized", "captured", "refunded", "failed"])),
            ("payment_ts", TsOfDay),
            ("payment_date", Day),
        ],
        day_column: Some("payment_date"),
    };
    static LTV: Dataset = Dataset {
        columns: &[
            ("customer_id", SeqId),
            ("ltv", Money(0, 5_000_000)),
            ("orders", Int(0, 300)),
            ("computed_at", TsOfDay),
        ],
        day_column: None,
    };
    static AB_TEST: Dataset = Dataset {
        columns: &[
            ("user_id", IdRange(200_000)),
            ("experiment", Pick(&["checkout_v2"])),
            ("variant", Pick(&["control", "treatment"])),
            ("exposed_ts", TsOfDay),
            ("exposure_date", Day),
        ],
        day_column: Some("exposure_date"),
    };
    static WEB_LOGS: Dataset = Dataset {
        columns: &[
            ("ts", TsOfDay),
            ("host", Pick(&["web-01", "web-02", "web-03"])),
            ("method", Pick(&["GET", "GET", "GET", "POST"])),
            ("path", Pick(&["/", "/search", "/product", "/cart", "/api/v1/items", "/static/app.js"])),
            ("status", Int(200, 504)),
            ("bytes", IdRange(90_000)),
            ("user_agent", NullablePick(&["Mozilla/5.0", "curl/8.5", "Googlebot/2.1"])),
        ],
        day_column: None,
    };
    static EXPORT: Dataset = Dataset {
        columns: &[
            ("partner_id", IdRange(40)),
            ("order_id", IdRange(5_000_000)),
            ("amount", Money(199, 250_000)),
            ("exported_at", TsOfDay),
        ],
        day_column: None,
    };
    match name {
        "orders" => &ORDERS,
        "revenue" => &REVENUE,
        "clicks" => &CLICKS,
        "features" => &FEATURES,
        "customers" => &CUSTOMERS,
        "payments" => &PAYMENTS,
        "ltv" => &LTV,
        "ab_test" => &AB_TEST,
        "web_logs" => &WEB_LOGS,
        "export" => &EXPORT,
        other => panic!("unknown dataset {other} (the recipe parser checks names)"),
    }
}

fn gen_type(g: Gen) -> DataType {
    match g {
        Gen::SeqId | Gen::IdRange(_) => DataType::Int64,
        Gen::Pick(_) | Gen::NullablePick(_) | Gen::Email | Gen::Token => DataType::Utf8,
        Gen::Money(..) => DataType::Decimal128(12, 2),
        Gen::Int(..) => DataType::Int32,
        Gen::Double(..) => DataType::Float64,
        Gen::TsOfDay => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        Gen::Day => DataType::Date32,
    }
}

/// Parse a recipe type name (`string`, `int`, `long`, `double`, `decimal(p,s)`).
pub fn parse_type(name: &str) -> Result<DataType> {
    let n = name.trim().to_ascii_lowercase();
    Ok(match n.as_str() {
        "string" => DataType::Utf8,
        "int" => DataType::Int32,
        "long" => DataType::Int64,
        "double" => DataType::Float64,
        _ => {
            let inner = n
                .strip_prefix("decimal(")
                .and_then(|s| s.strip_suffix(')'))
                .ok_or_else(|| Error::invalid(format!("unknown column type {name:?}")))?;
            let (p, s) = inner.split_once(',').ok_or_else(|| Error::invalid(format!("bad decimal type {name:?}")))?;
            let p: u8 = p.trim().parse().map_err(|_| Error::invalid(format!("bad decimal precision in {name:?}")))?;
            let s: i8 = s.trim().parse().map_err(|_| Error::invalid(format!("bad decimal scale in {name:?}")))?;
            DataType::Decimal128(p, s)
        }
    })
}

fn extra_gen(t: &DataType) -> Gen {
    match t {
        DataType::Utf8 => Gen::Pick(&["alpha", "beta", "gamma"]),
        DataType::Int32 => Gen::Int(0, 100),
        DataType::Int64 => Gen::IdRange(1_000_000),
        DataType::Float64 => Gen::Double(0.0, 1.0),
        _ => Gen::Money(0, 50_000),
    }
}

/// How a table's rows are shaped: its dataset and, after schema evolution, the extra column.
#[derive(Debug, Clone)]
pub struct Shape {
    pub dataset: String,
    /// Hive-style Parquet tables keep the day out of the files (it is in the `dt=` directory).
    pub day_in_path: bool,
    pub extra: Option<AddColumn>,
}

impl Shape {
    /// The name of the day-partition column inside the data, if the dataset has one.
    pub fn day_column(&self) -> Option<&'static str> {
        dataset(&self.dataset).day_column
    }

    fn columns(&self, with_extra: bool) -> Vec<(String, Gen)> {
        let ds = dataset(&self.dataset);
        let mut cols: Vec<(String, Gen)> = ds
            .columns
            .iter()
            .filter(|(name, _)| !(self.day_in_path && Some(*name) == ds.day_column))
            .map(|(n, g)| (n.to_string(), *g))
            .collect();
        if let (true, Some(c)) = (with_extra, &self.extra) {
            let t = parse_type(&c.data_type).expect("recipe types are checked on parse");
            cols.push((c.name.clone(), extra_gen(&t)));
        }
        cols
    }

    /// The Arrow schema of files written before (`with_extra = false`) or after the schema change.
    pub fn schema(&self, with_extra: bool) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns(with_extra)
            .into_iter()
            .map(|(name, g)| {
                let t = if Some(name.as_str()) == self.extra.as_ref().map(|c| c.name.as_str()) {
                    parse_type(&self.extra.as_ref().unwrap().data_type).unwrap()
                } else {
                    gen_type(g)
                };
                Field::new(name, t, !matches!(g, Gen::SeqId))
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// Rows of one data file: `rows` rows dated `day`, file number `part` of that commit.
    pub fn batch(&self, key: &BatchKey, with_extra: bool) -> RecordBatch {
        let mut rng = SplitMix::new(key.seed());
        let cols = self.columns(with_extra);
        let schema = self.schema(with_extra);
        let day0 = key.date.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32;
        let id_base = (i64::from(day0) * 1_000 + i64::from(key.part)) * 100_000;
        let rows = key.rows as usize;
        let arrays: Vec<ArrayRef> = cols
            .iter()
            .zip(schema.fields())
            .map(|((_, g), field)| -> ArrayRef {
                match (*g, field.data_type()) {
                    (Gen::SeqId, _) => Arc::new(Int64Builder::new().tap(|b| (0..rows).for_each(|i| b.append_value(id_base + i as i64))).finish()),
                    (Gen::IdRange(n), _) => Arc::new(Int64Builder::new().tap(|b| (0..rows).for_each(|_| b.append_value(1 + rng.below(n as u64) as i64))).finish()),
                    (Gen::Pick(options), _) => {
                        let mut b = StringBuilder::new();
                        (0..rows).for_each(|_| b.append_value(options[rng.below(options.len() as u64) as usize]));
                        Arc::new(b.finish())
                    }
                    (Gen::NullablePick(options), _) => {
                        let mut b = StringBuilder::new();
                        for _ in 0..rows {
                            if rng.below(5) == 0 {
                                b.append_null()
                            } else {
                                b.append_value(options[rng.below(options.len() as u64) as usize])
                            }
                        }
                        Arc::new(b.finish())
                    }
                    (Gen::Money(lo, hi), DataType::Decimal128(p, s)) => {
                        let mut b = Decimal128Builder::new();
                        (0..rows).for_each(|_| b.append_value(i128::from(lo + rng.below((hi - lo) as u64 + 1) as i64)));
                        Arc::new(b.finish().with_precision_and_scale(*p, *s).expect("valid decimal"))
                    }
                    (Gen::Int(lo, hi), _) => Arc::new(Int32Builder::new().tap(|b| (0..rows).for_each(|_| b.append_value(lo + rng.below((hi - lo) as u64 + 1) as i32))).finish()),
                    (Gen::Double(lo, hi), _) => Arc::new(Float64Builder::new().tap(|b| (0..rows).for_each(|_| b.append_value(lo + (hi - lo) * rng.unit()))).finish()),
                    (Gen::TsOfDay, _) => {
                        let start_us = i64::from(day0) * 86_400_000_000;
                        let mut b = TimestampMicrosecondBuilder::new().with_timezone("UTC");
                        (0..rows).for_each(|_| b.append_value(start_us + rng.below(86_400_000_000) as i64));
                        Arc::new(b.finish())
                    }
                    (Gen::Day, _) => Arc::new(Date32Builder::new().tap(|b| (0..rows).for_each(|_| b.append_value(day0))).finish()),
                    (Gen::Email, _) => {
                        let mut b = StringBuilder::new();
                        (0..rows).for_each(|i| b.append_value(format!("user{}@example.com", id_base + i as i64)));
                        Arc::new(b.finish())
                    }
                    (Gen::Token, _) => {
                        let mut b = StringBuilder::new();
                        (0..rows).for_each(|_| b.append_value(format!("{:016x}", rng.next())));
                        Arc::new(b.finish())
                    }
                    (Gen::Money(..), other) => unreachable!("money column typed {other}"),
                }
            })
            .collect();
        RecordBatch::try_new(schema, arrays).expect("generated columns match the schema")
    }
}

/// What identifies one generated file's rows.
#[derive(Debug, Clone)]
pub struct BatchKey {
    pub recipe_seed: u64,
    pub table: String,
    pub date: NaiveDate,
    pub part: u32,
    pub rows: u32,
}

impl BatchKey {
    fn seed(&self) -> u64 {
        // FNV-1a over the table name, mixed with the other parts.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.table.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let days = self.date.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as u64;
        h ^ self.recipe_seed.rotate_left(17) ^ days.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(self.part) << 48
    }
}

/// SplitMix64: tiny, fast and stable across versions (unlike `rand`'s `StdRng`), so demos reproduce.
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

trait Tap: Sized {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}
impl<T> Tap for T {}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(part: u32) -> BatchKey {
        BatchKey { recipe_seed: 7, table: "t".into(), date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), part, rows: 50 }
    }

    #[test]
    fn batches_are_deterministic_and_differ_by_part() {
        let shape = Shape { dataset: "orders".into(), day_in_path: false, extra: None };
        let a = shape.batch(&key(0), false);
        let b = shape.batch(&key(0), false);
        let c = shape.batch(&key(1), false);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.num_rows(), 50);
        assert_eq!(shape.day_column(), Some("order_date"));
    }

    #[test]
    fn hive_style_keeps_the_day_out_of_files_and_extra_column_is_last() {
        let extra = AddColumn { day: -3, name: "refund".into(), data_type: "decimal(12,2)".into() };
        let shape = Shape { dataset: "orders".into(), day_in_path: true, extra: Some(extra) };
        let s = shape.schema(true);
        assert!(s.field_with_name("order_date").is_err());
        assert_eq!(s.fields().last().unwrap().name(), "refund");
        assert_eq!(s.fields().last().unwrap().data_type(), &DataType::Decimal128(12, 2));
        assert_eq!(shape.batch(&key(0), true).num_columns(), s.fields().len());
    }
}
