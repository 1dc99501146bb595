//! Spark listener events: the few kinds and fields the memory summary needs, parsed from one JSON line.
//!
//! Spark writes `{"Event":"<kind>",…}` with the kind first, so a line's kind is read from its first bytes
//! and unneeded kinds (task starts aside, SQL plans, block updates, …) are never parsed. Needed kinds are
//! deserialised with serde into borrowed structs; fields we do not name (task accumulables, RDD infos,
//! stack traces) are skipped by serde without allocating.

pub mod lines;
mod types;

pub use types::*;

/// The event kinds the summary reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LogStart,
    AppStart,
    AppEnd,
    Environment,
    ResourceProfile,
    BlockManagerAdded,
    ExecutorAdded,
    ExecutorRemoved,
    JobStart,
    JobEnd,
    StageSubmitted,
    StageCompleted,
    TaskStart,
    TaskEnd,
    StageExecutorMetrics,
    MetricsUpdate,
    QueryProgress,
}

const STREAMING_PROGRESS: &str = "org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent";

impl Kind {
    pub fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "SparkListenerLogStart" => Kind::LogStart,
            "SparkListenerApplicationStart" => Kind::AppStart,
            "SparkListenerApplicationEnd" => Kind::AppEnd,
            "SparkListenerEnvironmentUpdate" => Kind::Environment,
            "SparkListenerResourceProfileAdded" => Kind::ResourceProfile,
            "SparkListenerBlockManagerAdded" => Kind::BlockManagerAdded,
            "SparkListenerExecutorAdded" => Kind::ExecutorAdded,
            "SparkListenerExecutorRemoved" => Kind::ExecutorRemoved,
            "SparkListenerJobStart" => Kind::JobStart,
            "SparkListenerJobEnd" => Kind::JobEnd,
            "SparkListenerStageSubmitted" => Kind::StageSubmitted,
            "SparkListenerStageCompleted" => Kind::StageCompleted,
            "SparkListenerTaskStart" => Kind::TaskStart,
            "SparkListenerTaskEnd" => Kind::TaskEnd,
            "SparkListenerStageExecutorMetrics" => Kind::StageExecutorMetrics,
            "SparkListenerExecutorMetricsUpdate" => Kind::MetricsUpdate,
            STREAMING_PROGRESS => Kind::QueryProgress,
            _ => return None,
        })
    }
}

/// What a line's first bytes say about its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// A kind we read.
    Wanted(Kind),
    /// A kind we do not need.
    Unwanted,
    /// Not in Spark's usual `{"Event":"…"` shape: parse it to find out.
    Unknown,
}

/// Read the kind from `{"Event":"<kind>"` at the start of a line.
pub fn peek(line: &[u8]) -> Peek {
    const PREFIX: &[u8] = b"{\"Event\":\"";
    let Some(rest) = line.strip_prefix(PREFIX) else { return Peek::Unknown };
    let Some(end) = memchr::memchr(b'"', rest) else { return Peek::Unknown };
    let name = &rest[..end];
    if name.contains(&b'\\') {
        return Peek::Unknown;
    }
    match std::str::from_utf8(name).ok().and_then(Kind::from_name) {
        Some(k) => Peek::Wanted(k),
        None => Peek::Unwanted,
    }
}

/// The kind of a line that did not start the usual way (extra whitespace, other key order).
pub fn kind_of(line: &[u8]) -> Option<Kind> {
    #[derive(serde::Deserialize)]
    struct OnlyKind<'a> {
        #[serde(rename = "Event", borrow)]
        event: std::borrow::Cow<'a, str>,
    }
    serde_json::from_slice::<OnlyKind>(line).ok().and_then(|k| Kind::from_name(&k.event))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeks_the_kind_from_the_first_bytes() {
        assert_eq!(peek(br#"{"Event":"SparkListenerTaskEnd","Stage ID":1}"#), Peek::Wanted(Kind::TaskEnd));
        assert_eq!(peek(br#"{"Event":"SparkListenerBlockUpdated","x":1}"#), Peek::Unwanted);
        assert_eq!(peek(br#"{ "Event" : "SparkListenerTaskEnd"}"#), Peek::Unknown);
        assert_eq!(kind_of(br#"{ "x": 1, "Event" : "SparkListenerTaskEnd"}"#), Some(Kind::TaskEnd));
        assert_eq!(
            peek(br#"{"Event":"org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent","progress":{}}"#),
            Peek::Wanted(Kind::QueryProgress)
        );
    }
}
