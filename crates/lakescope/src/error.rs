//! One error type for the whole engine.
//!
//! Every failure carries a [`ErrorKind`] the UI can switch on (retry an unreachable server, ask for
//! credentials, point at a corrupt file) and a message that names the input and what was wrong with it.
//! Library errors (object_store, parquet, iceberg, delta_kernel, sqlx, io) are wrapped at the place where
//! we still know *which* file or source was being read, so the message can say so.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure this is; stable names that the UI and `--json` consumers switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub enum ErrorKind {
    /// The named table, file, source or version does not exist.
    NotFound,
    /// The user's input (a path, a name, a config value) is not acceptable.
    InvalidInput,
    /// A file exists but its content is broken (bad JSON, truncated Avro, missing required field).
    Corrupt,
    /// A valid input we do not handle (yet), e.g. an unknown table feature.
    Unsupported,
    /// A server or store could not be reached (DNS, connection refused, timeout, TLS).
    Unreachable,
    /// Credentials were missing or rejected.
    Auth,
    /// Credentials were accepted but lack permission.
    Permission,
    /// Local I/O failed for another reason.
    Io,
    /// The user cancelled a long operation.
    Cancelled,
    /// A bug or an unexpected state inside Lakescope.
    Internal,
}

/// The engine's error: a kind, a message naming what failed, and the underlying cause if any.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), source: None }
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Corrupt, message)
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Prefix the message with where it happened (`reading s3://b/t/metadata/v3.metadata.json: …`).
    pub fn context(mut self, what: impl std::fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// The message followed by the chain of causes, for logs and the CLI's stderr.
    pub fn detailed(&self) -> String {
        let mut out = self.message.clone();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            let text = c.to_string();
            if !out.contains(&text) {
                out.push_str(": ");
                out.push_str(&text);
            }
            cause = c.source();
        }
        out
    }

    /// The serialisable form sent to the UI and printed by `--json`.
    pub fn to_report(&self) -> ErrorReport {
        ErrorReport { kind: self.kind, message: self.detailed() }
    }
}

/// `{"kind": …, "message": …}`: what crosses into the UI and the CLI's `--json` error document.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
}

/// Attach "while doing X with Y" context to any fallible call whose error converts into [`Error`].
pub trait ResultExt<T> {
    fn context(self, what: impl std::fmt::Display) -> Result<T>;
    fn with_context<D: std::fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn context(self, what: impl std::fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().context(what))
    }
    fn with_context<D: std::fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| e.into().context(what()))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let kind = match e.kind() {
            K::NotFound => ErrorKind::NotFound,
            K::PermissionDenied => ErrorKind::Permission,
            K::InvalidData | K::UnexpectedEof => ErrorKind::Corrupt,
            K::ConnectionRefused | K::ConnectionReset | K::TimedOut | K::HostUnreachable => ErrorKind::Unreachable,
            _ => ErrorKind::Io,
        };
        Error::new(kind, e.to_string()).with_source(e)
    }
}

impl From<object_store::Error> for Error {
    fn from(e: object_store::Error) -> Self {
        use object_store::Error as E;
        let kind = match &e {
            E::NotFound { .. } => ErrorKind::NotFound,
            // S3 answers 403 both for unknown keys and for missing permissions; only the body tells.
            E::PermissionDenied { .. } if is_refused_key(&chain_text(&e)) => ErrorKind::Auth,
            E::PermissionDenied { .. } => ErrorKind::Permission,
            E::Unauthenticated { .. } => ErrorKind::Auth,
            E::InvalidPath { .. } => ErrorKind::InvalidInput,
            E::NotSupported { .. } | E::NotImplemented { .. } => ErrorKind::Unsupported,
            E::Generic { .. } => classify_generic(&chain_text(&e)),
            _ => ErrorKind::Io,
        };
        Error::new(kind, e.to_string()).with_source(e)
    }
}

fn is_refused_key(text: &str) -> bool {
    text.contains("InvalidAccessKeyId") || text.contains("SignatureDoesNotMatch") || text.contains("ExpiredToken")
}

/// An error's message and its causes' (a refused connection shows only deep in the chain).
/// The message of a caught panic (a dependency's, on a damaged file), for the error that replaces it.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic.downcast_ref::<&str>().map(|s| s.to_string());
    text.or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default()
}

pub(crate) fn chain_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// object_store reports transport failures as `Generic`; sort them by what the message says.
fn classify_generic(text: &str) -> ErrorKind {
    let t = text.to_ascii_lowercase();
    if t.contains("dns") || t.contains("connect") || t.contains("timed out") || t.contains("tls") || t.contains("error sending request") {
        ErrorKind::Unreachable
    } else if t.contains("403") || t.contains("accessdenied") || t.contains("forbidden") {
        ErrorKind::Permission
    } else if t.contains("401") || t.contains("invalidaccesskeyid") || t.contains("signaturedoesnotmatch") {
        ErrorKind::Auth
    } else {
        ErrorKind::Io
    }
}

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Self {
        Error::new(ErrorKind::Corrupt, e.to_string()).with_source(e)
    }
}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        Error::new(ErrorKind::Corrupt, e.to_string()).with_source(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        let kind = if e.is_io() { ErrorKind::Io } else { ErrorKind::Corrupt };
        Error::new(kind, e.to_string()).with_source(e)
    }
}

impl From<iceberg::Error> for Error {
    fn from(e: iceberg::Error) -> Self {
        use iceberg::ErrorKind as K;
        let kind = match e.kind() {
            K::DataInvalid => ErrorKind::Corrupt,
            K::FeatureUnsupported => ErrorKind::Unsupported,
            K::TableNotFound | K::NamespaceNotFound => ErrorKind::NotFound,
            _ => ErrorKind::Internal,
        };
        Error::new(kind, e.to_string()).with_source(e)
    }
}

impl From<delta_kernel::Error> for Error {
    fn from(e: delta_kernel::Error) -> Self {
        use delta_kernel::Error as E;
        let kind = match &e {
            E::FileNotFound(_) | E::MissingVersion(_) | E::InvalidTableLocation(_) | E::EmptyLog => ErrorKind::NotFound,
            E::Unsupported(_) => ErrorKind::Unsupported,
            E::MalformedJson(_)
            | E::MissingData(_)
            | E::MissingMetadata
            | E::MissingProtocol
            | E::MissingMetadataAndProtocol
            | E::InvalidProtocol(_)
            | E::InvalidLogSegment(_) => ErrorKind::Corrupt,
            _ => ErrorKind::Internal,
        };
        Error::new(kind, e.to_string()).with_source(e)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::Error as E;
        let kind = match &e {
            E::RowNotFound => ErrorKind::NotFound,
            E::Io(_) | E::Tls(_) | E::PoolTimedOut => ErrorKind::Unreachable,
            E::Configuration(_) => ErrorKind::InvalidInput,
            E::Database(db) => match db.code().as_deref() {
                // PostgreSQL invalid_password / invalid_authorization_specification, MySQL access denied.
                Some("28P01") | Some("28000") | Some("1045") => ErrorKind::Auth,
                Some("42501") | Some("1142") => ErrorKind::Permission,
                _ => ErrorKind::Io,
            },
            E::Decode(_) | E::ColumnDecode { .. } => ErrorKind::Corrupt,
            _ => ErrorKind::Io,
        };
        Error::new(kind, e.to_string()).with_source(e)
    }
}

impl From<toml::de::Error> for Error {
    fn from(e: toml::de::Error) -> Self {
        Error::new(ErrorKind::InvalidInput, e.to_string()).with_source(e)
    }
}

impl From<url::ParseError> for Error {
    fn from(e: url::ParseError) -> Self {
        Error::new(ErrorKind::InvalidInput, e.to_string()).with_source(e)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::new(ErrorKind::Internal, e.to_string()).with_source(e)
    }
}
