//! Connecting to a metastore's backing database, read-only, and running its few queries.
//!
//! Hive keeps the same tables on PostgreSQL (quoted upper-case identifiers, `$n` placeholders) and on
//! MySQL/MariaDB (backticks, `?`). Queries are written once in the PostgreSQL spelling and rendered per
//! dialect; every value comes back as text (cast in SQL) so one row type serves both servers, whatever
//! column types and character sets (Hive's MySQL schema is latin1, binary collation) the schema uses.
//!
//! The session is made read-only on the server (`default_transaction_read_only` on PostgreSQL,
//! `SET SESSION TRANSACTION READ ONLY` on MySQL), so a bug here cannot write to a user's metastore.
//! The password comes from the OS keychain for a `credentials = "keychain"` source (crate::credentials),
//! else from the URL. It never appears in a message: every error is built from the redacted URL, and the
//! password is scrubbed from the final text in case a driver message repeats it.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use futures::TryStreamExt;
use sqlx::{Connection as _, Row};

use crate::error::{Error, ErrorKind, Result};
use crate::sources::SourceConfig;
use crate::sources::redact_url as redact;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The session's sort and hash memory on PostgreSQL. The index sums a million partitions' statistics per
/// table in one aggregation; at the server's default 4 MB it spilled to disk and took twice as long.
/// Only this session's queries may use it, and only while they run.
const WORK_MEM: &str = "64MB";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    MySql,
}

enum Conn {
    Pg(sqlx::PgConnection),
    My(sqlx::MySqlConnection),
}

/// One open, read-only session on a metastore database.
pub struct Connection {
    conn: Conn,
    pub dialect: Dialect,
    ctx: Ctx,
}

/// What messages name (the redacted URL) and what they must never contain (the password).
struct Ctx {
    what: String,
    password: Option<String>,
}

/// A text row: `None` for SQL NULL.
pub type TextRow = Vec<Option<String>>;
/// The most columns a query of this module selects (rows are decoded into a fixed array).
const MAX_COLUMNS: usize = 16;

impl Connection {
    pub async fn open(source: &SourceConfig) -> Result<Self> {
        let uri = source.uri.as_deref().ok_or_else(|| {
            Error::invalid("an hms source needs `uri` (postgres://… or mysql://…)")
        })?;
        // From the OS keychain when the source keeps it there (then never in the URI), else from the URI.
        let keychain = crate::credentials::catalog_password(source)?;
        let password = keychain.as_ref().map(|p| p.expose().to_string()).or_else(|| {
            url::Url::parse(uri).ok().and_then(|u| u.password().map(percent_decode)).filter(|p| !p.is_empty())
        });
        let ctx = Ctx { what: format!("metastore database {}", redact(uri)), password };
        let dialect = if uri.starts_with("postgres:") || uri.starts_with("postgresql:") {
            Dialect::Postgres
        } else if uri.starts_with("mysql:") || uri.starts_with("mariadb:") {
            Dialect::MySql
        } else {
            return Err(Error::invalid(format!(
                "source {}: hms `uri` {} must start with postgres:// or mysql:// (the metastore's backing database)",
                source.name,
                redact(uri)
            )));
        };
        let connect = async {
            match dialect {
                Dialect::Postgres => {
                    let opts = sqlx::postgres::PgConnectOptions::from_str(uri)
                        .map_err(|e| ctx.fail(e.into(), "reading the URL"))?
                        .options([("default_transaction_read_only", "on"), ("work_mem", WORK_MEM)]);
                    let opts = match &keychain {
                        Some(p) => opts.password(p.expose()),
                        None => opts,
                    };
                    sqlx::PgConnection::connect_with(&opts).await.map(Conn::Pg).map_err(|e| ctx.fail(e.into(), "connecting"))
                }
                Dialect::MySql => {
                    let opts = sqlx::mysql::MySqlConnectOptions::from_str(&uri.replacen("mariadb:", "mysql:", 1))
                        .map_err(|e| ctx.fail(e.into(), "reading the URL"))?;
                    let opts = match &keychain {
                        Some(p) => opts.password(p.expose()),
                        None => opts,
                    };
                    let mut c =
                        sqlx::MySqlConnection::connect_with(&opts).await.map_err(|e| ctx.fail(e.into(), "connecting"))?;
                    sqlx::query("SET SESSION TRANSACTION READ ONLY")
                        .execute(&mut c)
                        .await
                        .map_err(|e| ctx.fail(e.into(), "making the session read-only"))?;
                    Ok(Conn::My(c))
                }
            }
        };
        let conn = match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
            Ok(c) => c?,
            Err(_) => {
                return Err(Error::new(
                    ErrorKind::Unreachable,
                    format!("{}: no answer within {}s while connecting", ctx.what, CONNECT_TIMEOUT.as_secs()),
                ))
            }
        };
        Ok(Connection { conn, dialect, ctx })
    }

    /// Run a query written in PostgreSQL spelling whose columns are all text, with text parameters.
    /// The SQL text is assembled only from this module's constants (identifiers, casts); every value
    /// that comes from a user or a catalog is a bound parameter.
    pub async fn rows(&mut self, sql: &str, binds: &[&str], doing: &str) -> Result<Vec<TextRow>> {
        let mut out = Vec::new();
        self.each_row(sql, binds, doing, |r| out.push(r.iter().map(|v| v.map(str::to_string)).collect())).await?;
        Ok(out)
    }

    /// [`Connection::rows`] without collecting them: `f` sees each row as it arrives, its values
    /// borrowed from the driver's buffer. The index reads a million rows this way: no string is made
    /// for a value it only compares or parses, and no list of rows is held.
    pub async fn each_row(&mut self, sql: &str, binds: &[&str], doing: &str, mut f: impl FnMut(&[Option<&str>])) -> Result<()> {
        let sql = render(sql, self.dialect);
        macro_rules! stream_rows {
            ($c:expr) => {{
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for b in binds {
                    q = q.bind(*b);
                }
                let mut rows = q.fetch($c);
                async {
                    while let Some(row) = rows.try_next().await? {
                        let n = row.len();
                        if n > MAX_COLUMNS {
                            return Err(sqlx::Error::ColumnIndexOutOfBounds { index: n - 1, len: MAX_COLUMNS });
                        }
                        let mut values: [Option<&str>; MAX_COLUMNS] = [None; MAX_COLUMNS];
                        for (i, v) in values.iter_mut().enumerate().take(n) {
                            *v = row.try_get::<Option<&str>, _>(i)?;
                        }
                        f(&values[..n]);
                    }
                    Ok(())
                }
                .await
            }};
        }
        let res: std::result::Result<(), sqlx::Error> = match &mut self.conn {
            Conn::Pg(c) => stream_rows!(c),
            Conn::My(c) => stream_rows!(c),
        };
        res.map_err(|e| self.ctx.fail(e.into(), doing))
    }

    /// `CAST(expr AS text)` in this dialect, so every column decodes as a string.
    pub fn text(&self, expr: &str) -> String {
        match self.dialect {
            Dialect::Postgres => format!("CAST({expr} AS TEXT)"),
            Dialect::MySql => format!("CAST({expr} AS CHAR CHARACTER SET utf8mb4)"),
        }
    }

    /// The `keys` parameters of every table: TBL_ID → key → value (one query, whatever the count).
    pub async fn table_params(&mut self, keys: &[&str]) -> Result<HashMap<String, HashMap<String, String>>> {
        let placeholders = (1..=keys.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            r#"SELECT {tbl_id}, p."PARAM_KEY", {value} FROM "TABLE_PARAMS" p WHERE p."PARAM_KEY" IN ({placeholders})"#,
            tbl_id = self.text(r#"p."TBL_ID""#),
            value = self.text(r#"p."PARAM_VALUE""#),
        );
        let mut params: HashMap<String, HashMap<String, String>> = HashMap::new();
        self.each_row(&sql, keys, "reading TABLE_PARAMS", |r| {
            if let [Some(id), Some(k), Some(v)] = r {
                let of_table = match params.get_mut(*id) {
                    Some(p) => p,
                    None => params.entry(id.to_string()).or_default(),
                };
                of_table.insert(k.to_string(), v.to_string());
            }
        })
        .await?;
        Ok(params)
    }

    /// Every SerDe's `path` parameter (where Spark-written tables keep their location): SERDE_ID → path.
    pub async fn serde_paths(&mut self) -> Result<HashMap<String, String>> {
        let sql = format!(
            r#"SELECT {serde_id}, {value} FROM "SERDE_PARAMS" p WHERE p."PARAM_KEY" = $1"#,
            serde_id = self.text(r#"p."SERDE_ID""#),
            value = self.text(r#"p."PARAM_VALUE""#),
        );
        let mut paths = HashMap::new();
        self.each_row(&sql, &["path"], "reading SERDE_PARAMS", |r| {
            if let [Some(id), Some(v)] = r {
                paths.insert(id.to_string(), v.to_string());
            }
        })
        .await?;
        Ok(paths)
    }

    /// A text expression as a 64-bit integer, NULL when it is not one (Hive's statistics are text
    /// parameters; one stray value must not fail a whole metastore's query).
    pub fn integer(&self, text_expr: &str) -> String {
        match self.dialect {
            // What `~ '^-?[0-9]{1,18}$'` accepts, tested with string functions: over a million partitions'
            // parameters the regular expression took three times as long as the whole aggregation.
            Dialect::Postgres => format!("CASE WHEN {} THEN CAST({text_expr} AS BIGINT) END", pg_is_integer(text_expr)),
            Dialect::MySql => {
                format!("CASE WHEN {text_expr} REGEXP '^-?[0-9]{{1,18}}$' THEN CAST({text_expr} AS SIGNED) END")
            }
        }
    }

}

/// Whether a PostgreSQL text expression is what [`Connection::integer`] reads as an integer: 1 to 18
/// digits, or `-` and 1 to 18 digits (no spaces, no `+`: a stricter reading than `CAST(… AS BIGINT)`).
pub fn pg_is_integer(e: &str) -> String {
    format!(
        "(translate({e}, '0123456789', '') = '' AND length({e}) BETWEEN 1 AND 18 \
          OR translate({e}, '0123456789', '') = '-' AND strpos({e}, '-') = 1 AND length({e}) BETWEEN 2 AND 19)"
    )
}

impl Ctx {
    /// Classify a database error, say what was being done on which (redacted) database, and make sure
    /// the password is nowhere in the text.
    fn fail(&self, e: Error, doing: &str) -> Error {
        let code = database_code(&e);
        let kind = match code.as_deref() {
            // PostgreSQL invalid_catalog_name, MySQL ER_BAD_DB_ERROR: the database in the URL is missing.
            Some("3D000") | Some("1049") => ErrorKind::NotFound,
            // PostgreSQL undefined_table, MySQL ER_NO_SUCH_TABLE: not a Hive metastore schema.
            Some("42P01") | Some("1146") => ErrorKind::NotFound,
            // MySQL ER_DBACCESS_DENIED_ERROR: the user may log in but not use that database.
            Some("1044") => ErrorKind::Permission,
            // MySQL ER_ACCESS_DENIED_ERROR: user name or password rejected.
            Some("1045") => ErrorKind::Auth,
            _ => e.kind,
        };
        let hint = match (kind, code.as_deref()) {
            (ErrorKind::Auth, _) => " (user name or password rejected)",
            (ErrorKind::NotFound, Some("42P01") | Some("1146")) => " (is this a Hive metastore database?)",
            (ErrorKind::NotFound, _) => " (the database named in the URL does not exist)",
            (ErrorKind::Unreachable, _) => " (is the server running and the host/port right?)",
            _ => "",
        };
        let mut message = format!("{}: {doing}: {}{hint}", self.what, e.detailed());
        if let Some(p) = &self.password {
            message = message.replace(p.as_str(), "***");
        }
        Error::new(kind, message)
    }
}

fn database_code(e: &Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.source.as_deref().map(|s| s as _);
    while let Some(c) = cause {
        if let Some(sqlx::Error::Database(db)) = c.downcast_ref::<sqlx::Error>() {
            // MySQL's `code()` is the SQLSTATE, often the generic 42000; its error number says more.
            if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return Some(my.number().to_string());
            }
            return db.code().map(|c| c.into_owned());
        }
        cause = c.source();
    }
    None
}

/// PostgreSQL spelling → this dialect: `"X"` → `` `X` ``, `$n` → `?`.
fn render(sql: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => sql.to_string(),
        Dialect::MySql => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            let mut in_string = false;
            while let Some(c) = chars.next() {
                match c {
                    '\'' => {
                        in_string = !in_string;
                        out.push(c);
                    }
                    '"' if !in_string => out.push('`'),
                    '$' if !in_string && chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                        while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                            chars.next();
                        }
                        out.push('?');
                    }
                    _ => out.push(c),
                }
            }
            out
        }
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_password_and_keeps_the_rest() {
        assert_eq!(redact("postgres://hive:s3cret@db:5432/metastore"), "postgres://hive:***@db:5432/metastore");
        assert_eq!(redact("mysql://hive@db/metastore"), "mysql://hive@db/metastore");
        assert!(!redact("pg://hive:s3cret@[bad").contains("s3cret"));
    }

    #[test]
    fn renders_mysql_spelling_outside_string_literals() {
        let sql = r#"SELECT "NAME" FROM "DBS" WHERE "CTLG_NAME" = $1 AND "DESC" <> 'say "$2"' AND x = $12"#;
        assert_eq!(
            render(sql, Dialect::MySql),
            r#"SELECT `NAME` FROM `DBS` WHERE `CTLG_NAME` = ? AND `DESC` <> 'say "$2"' AND x = ?"#
        );
        assert_eq!(render(sql, Dialect::Postgres), sql);
    }
}
