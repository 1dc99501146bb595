//! Splits a decompressed event log into lines with a fixed-size buffer.
//!
//! Spark writes one JSON event per line; a few kinds (SQL plans, environment) can be megabytes. Lines the
//! caller does not need are recognised from their first bytes (`{"Event":"…"`) and skipped while
//! streaming, so they never sit in memory whole; needed lines grow the buffer up to [`MAX_LINE`]. Memory
//! therefore depends on the largest *needed* event, never on the log's length.

use std::io::{self, Read};
use std::ops::Range;

/// Read size and initial buffer.
const CHUNK: usize = 1 << 20;
/// A needed event longer than this is skipped and reported (no Spark event we read comes close).
pub const MAX_LINE: usize = 64 << 20;
/// How much of a line's start the `keep` predicate sees before a long line is judged.
const PEEK: usize = 256;

/// What [`LineReader::next`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A complete, newline-terminated line (without the newline), at this range of the buffer.
    Line(Range<usize>),
    /// The final bytes of the stream, with no newline after them: complete JSON or a cut line.
    Last(Range<usize>),
    /// A line dropped without buffering it: not wanted (`too_long == false`) or over [`MAX_LINE`];
    /// `cut` when the stream ended before its newline.
    Skipped { bytes: u64, too_long: bool, cut: bool },
}

pub struct LineReader<R: Read> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of `buf[start..end]` already searched for a newline.
    scanned: usize,
    eof: bool,
    skipping: Option<(u64, bool)>,
    /// The decoder's error, kept until every complete line before it has been handed out.
    pub error: Option<io::Error>,
    /// Uncompressed bytes read from the decoder so far.
    pub bytes_read: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        LineReader { inner, buf: vec![0; CHUNK], start: 0, end: 0, scanned: 0, eof: false, skipping: None, error: None, bytes_read: 0 }
    }

    pub fn slice(&self, r: Range<usize>) -> &[u8] {
        &self.buf[r]
    }

    /// The next line. `keep` sees the first bytes of a line that does not fit the buffer yet and says
    /// whether it is worth buffering whole. `None` at the end (then check [`Self::error`]).
    pub fn next(&mut self, keep: &dyn Fn(&[u8]) -> bool) -> Option<Item> {
        loop {
            if let Some((skipped, too_long)) = self.skipping {
                if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                    self.start += i + 1;
                    self.scanned = 0;
                    self.skipping = None;
                    return Some(Item::Skipped { bytes: skipped + i as u64, too_long, cut: false });
                }
                let n = (self.end - self.start) as u64;
                self.start = self.end;
                self.skipping = Some((skipped + n, too_long));
                if !self.fill() {
                    self.skipping = None;
                    return Some(Item::Skipped { bytes: skipped + n, too_long, cut: true });
                }
                continue;
            }
            let from = self.start + self.scanned;
            if let Some(i) = memchr::memchr(b'\n', &self.buf[from..self.end]) {
                let line = self.start..from + i;
                self.start = from + i + 1;
                self.scanned = 0;
                return Some(Item::Line(line));
            }
            self.scanned = self.end - self.start;
            if self.eof {
                if self.start < self.end {
                    let last = self.start..self.end;
                    self.start = self.end;
                    self.scanned = 0;
                    return Some(Item::Last(last));
                }
                return None;
            }
            let pending = self.end - self.start;
            if pending >= PEEK && pending + CHUNK > self.buf.len() {
                let head = &self.buf[self.start..self.start + PEEK];
                let too_long = pending >= MAX_LINE;
                if too_long || !keep(head) {
                    self.skipping = Some((0, too_long));
                    self.scanned = 0;
                    continue;
                }
            }
            self.fill();
        }
    }

    /// Make room and read more; false at the end of the stream.
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < CHUNK / 2 {
            let grown = (self.buf.len() * 2).min(MAX_LINE + CHUNK);
            self.buf.resize(grown.max(self.end + CHUNK / 2), 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return false;
                }
                Ok(n) => {
                    self.end += n;
                    self.bytes_read += n as u64;
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                    return false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(data: &[u8], keep: &dyn Fn(&[u8]) -> bool) -> Vec<String> {
        let mut r = LineReader::new(data);
        let mut out = Vec::new();
        while let Some(item) = r.next(keep) {
            out.push(match item {
                Item::Line(l) => format!("L:{}", String::from_utf8_lossy(r.slice(l))),
                Item::Last(l) => format!("E:{}", String::from_utf8_lossy(r.slice(l))),
                Item::Skipped { bytes, too_long, cut } => format!("S:{bytes}:{too_long}:{cut}"),
            });
        }
        out
    }

    #[test]
    fn splits_lines_and_keeps_an_unterminated_tail() {
        assert_eq!(collect(b"a\nbb\n\nccc", &|_| true), vec!["L:a", "L:bb", "L:", "E:ccc"]);
        assert_eq!(collect(b"a\n", &|_| true), vec!["L:a"]);
    }

    #[test]
    fn long_unwanted_lines_are_skipped_without_buffering() {
        let mut data = b"{\"Event\":\"Huge\",\"x\":\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 5 * CHUNK));
        data.extend_from_slice(b"\"}\nnext\n");
        let mut r = LineReader::new(&data[..]);
        let keep = |head: &[u8]| !head.starts_with(b"{\"Event\":\"Huge\"");
        let first = r.next(&keep).unwrap();
        assert!(matches!(first, Item::Skipped { too_long: false, cut: false, .. }), "{first:?}");
        assert!(r.buf.len() <= 2 * CHUNK, "buffer stayed small: {}", r.buf.len());
        let Item::Line(l) = r.next(&keep).unwrap() else { panic!() };
        assert_eq!(r.slice(l), b"next");
    }

    #[test]
    fn a_long_unwanted_line_cut_by_the_end_of_the_stream_says_so() {
        let mut data = b"{\"Event\":\"Huge\",\"x\":\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * CHUNK));
        let items = collect(&data, &|_| false);
        assert_eq!(items.len(), 1);
        assert!(items[0].ends_with(":false:true"), "{items:?}");
    }

    #[test]
    fn long_wanted_lines_are_kept_whole() {
        let mut data = vec![b'y'; 3 * CHUNK + 17];
        data.push(b'\n');
        let items = collect(&data, &|_| true);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].len(), 2 + 3 * CHUNK + 17);
    }
}
