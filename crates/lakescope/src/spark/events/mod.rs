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

/// A task end with its `"Accumulables":[…]` array emptied, or None when the line has none (or it cannot
/// be delimited — then the caller parses the line as it is).
///
/// Task ends are almost all of a large log, and two thirds of each is the task's accumulator list,
/// which nothing here reads. Finding the array's end with a string-aware bracket scan and parsing the
/// rest is about twice as fast as letting serde walk it; the result is the same JSON minus that array.
pub fn without_accumulables(line: &[u8], out: &mut Vec<u8>) -> bool {
    const KEY: &[u8] = b",\"Accumulables\":[";
    // Spark ends "Task Info" with its accumulables, and a quote after a comma is always structural
    // (inside a JSON string every quote is escaped), so `]},"Task Executor Metrics":` is where the
    // array ends. Anything else falls back to a string-aware bracket scan.
    const NEXT: [&[u8]; 2] = [b"]},\"Task Executor Metrics\":", b"]},\"Task Metrics\":"];
    let Some(at) = memchr::memmem::find(line, KEY) else { return false };
    let open = at + KEY.len() - 1;
    let close = NEXT
        .iter()
        .find_map(|n| memchr::memmem::find(&line[open..], n).map(|i| open + i))
        .or_else(|| matching_bracket(line, open));
    let Some(close) = close else { return false };
    out.clear();
    out.extend_from_slice(&line[..=open]);
    out.extend_from_slice(&line[close..]);
    true
}

/// Index of the `]` closing the `[` at `open`, skipping brackets inside strings.
fn matching_bracket(s: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < s.len() {
        let rel = memchr::memchr3(b'"', b'[', b']', &s[i..])?;
        i += rel;
        match s[i] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {
                // A string: jump to its closing quote, stepping over escapes.
                i += 1;
                loop {
                    let q = memchr::memchr2(b'"', b'\\', &s[i..])?;
                    i += q;
                    if s[i] == b'\\' {
                        i += 2;
                    } else {
                        break;
                    }
                }
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod accumulables_tests {
    use super::*;

    #[test]
    fn empties_the_array_and_keeps_the_rest() {
        let line = br#"{"Event":"SparkListenerTaskEnd","Task Info":{"Executor ID":"1","Accumulables":[{"Name":"a]\"[","Value":[1,[2]]},{"x":"\\"}]},"Task Metrics":{"Memory Bytes Spilled":5}}"#;
        let mut out = Vec::new();
        assert!(without_accumulables(line, &mut out));
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"Event":"SparkListenerTaskEnd","Task Info":{"Executor ID":"1","Accumulables":[]},"Task Metrics":{"Memory Bytes Spilled":5}}"#
        );
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["Task Metrics"]["Memory Bytes Spilled"], 5);
        assert!(!without_accumulables(br#"{"Accumulables":[{"a":"unterminated"#, &mut out));
        assert!(!without_accumulables(br#"{"Event":"x"}"#, &mut out));
    }
}
