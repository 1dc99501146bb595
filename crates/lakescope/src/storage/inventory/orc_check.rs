//! Checking an ORC file's framing before orc-rust reads it, so a damaged file is `Corrupt` rather than a
//! panic. orc-rust (0.8, and 0.9, the latest, which needs arrow 59) trusts the file: it subtracts the
//! postscript's footer and metadata lengths from the file's length unchecked (an overflow), slices each
//! compression chunk by the length its 3-byte header claims (`split_to out of bounds`, found by fuzzing
//! `inventory_orc`), `unwrap`s every decompression error inside its `Read`, indexes a stripe's column
//! encodings by column id, `unwrap`s the parse of a stripe's writer time zone, and follows the footer's
//! types recursively. So before handing the file over we read what it will read and check it the same
//! way, but with errors: the postscript, the footer and the metadata section (their lengths inside the
//! file, their chunks whole and decompressing), the types (numbered forward, so following them ends),
//! every stripe (inside the data part of the file; its footer whole, decompressing, its streams adding
//! up to no more than the stripe, an encoding for every column, its time zone known), and each stream's
//! chunks when orc-rust asks for the stream ([`Checked::stream`]). A compressed file is decompressed
//! twice (once here, once by orc-rust): inventories are small enough. Every read is also bounded by the
//! file's length ([`Bounded`]). What is not checked: the values inside streams (see `rows::orc`).

use std::collections::HashSet;
use std::io::Read;

use bytes::Bytes;
use orc_rust::proto::{CompressionKind, Footer, PostScript, StripeFooter};
use orc_rust::reader::ChunkReader;
use prost::Message;

use crate::error::{Error, Result};

/// The largest decompressed chunk accepted: ORC chunks are at most the file's compression block size
/// (256 KiB by default); a block size past this is a damaged postscript, not a choice.
const MAX_BLOCK: u64 = 64 << 20;

/// The file `r` (named `what` in errors), checked, to hand to orc-rust.
pub(super) fn open<R: ChunkReader>(r: R, what: &str) -> Result<Bounded<R>> {
    let checked = check(&r, what)?;
    Ok(Bounded(r, checked))
}

/// An ORC file whose reads are checked against its length, and whose streams are checked as they are
/// read (see the module docs). orc-rust reads each stripe at the offsets and lengths the file's own
/// footers give: past the end of a damaged file, its `Bytes` reader panicked (found by fuzzing
/// `inventory_orc`) and its file reader allocated whatever length was written first.
pub(super) struct Bounded<R>(R, Checked);

impl<R: ChunkReader> ChunkReader for Bounded<R> {
    type T = R::T;

    fn len(&self) -> u64 {
        self.0.len()
    }

    fn get_read(&self, offset: u64) -> std::io::Result<Self::T> {
        self.within(offset, 0)?;
        self.0.get_read(offset)
    }

    fn get_bytes(&self, offset: u64, length: u64) -> std::io::Result<Bytes> {
        self.within(offset, length)?;
        let bytes = self.0.get_bytes(offset, length)?;
        self.1.stream(offset, &bytes)?;
        Ok(bytes)
    }
}

impl<R: ChunkReader> Bounded<R> {
    fn within(&self, offset: u64, length: u64) -> std::io::Result<()> {
        let len = self.0.len();
        match offset.checked_add(length) {
            Some(end) if end <= len => Ok(()),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the file's footer points at {length} bytes from byte {offset}, past its end ({len} bytes)"),
            )),
        }
    }
}

/// What the check learnt: how streams are compressed, and where each one lies.
pub(super) struct Checked {
    codec: Option<(CompressionKind, usize)>,
    /// (offset, length) of every stream of every stripe, as orc-rust computes them.
    streams: HashSet<(u64, u64)>,
}

/// Check the file `r` (named `what` in errors) as described in the module docs.
fn check<R: ChunkReader>(r: &R, what: &str) -> Result<Checked> {
    let bad = |why: String| Error::corrupt(format!("{what}: not a readable ORC file: {why}"));
    let io = |e: std::io::Error| bad(e.to_string());
    let len = r.len();
    let unchecked = Checked { codec: None, streams: HashSet::new() };
    if len == 0 {
        return Ok(unchecked); // orc-rust says "empty file"
    }
    let ps_len = r.get_bytes(len - 1, 1).map_err(io)?[0] as u64;
    if ps_len + 1 > len {
        return Ok(unchecked); // orc-rust says the file is too small for its postscript
    }
    let ps = PostScript::decode(r.get_bytes(len - 1 - ps_len, ps_len).map_err(io)?)
        .map_err(|e| bad(format!("its postscript does not decode: {e}")))?;
    let (Some(footer_len), Some(meta_len)) = (ps.footer_length, ps.metadata_length) else {
        return Ok(unchecked); // orc-rust says which length is missing
    };
    let block = ps.compression_block_size.unwrap_or(256 * 1024);
    if block > MAX_BLOCK {
        return Err(bad(format!("its postscript gives a compression block of {block} bytes")));
    }
    let codec = match ps.compression() {
        CompressionKind::None => None,
        kind => Some((kind, block as usize)),
    };
    let tail = [1, ps_len, footer_len, meta_len].iter().try_fold(0u64, |a, b| a.checked_add(*b));
    let Some(tail) = tail.filter(|t| *t <= len) else {
        let why = format!("its postscript gives {footer_len} bytes of footer and {meta_len} of metadata in {len} bytes");
        return Err(bad(why));
    };
    let checked = Checked { codec, streams: HashSet::new() };
    let meta_at = len - tail;
    let footer = r.get_bytes(meta_at + meta_len, footer_len).map_err(io)?;
    let footer = checked.inflate(&footer, true).map_err(|e| bad(format!("its footer: {e}")))?;
    let metadata = r.get_bytes(meta_at, meta_len).map_err(io)?;
    checked.inflate(&metadata, false).map_err(|e| bad(format!("its metadata: {e}")))?;
    let footer = Footer::decode(footer.as_slice()).map_err(|e| bad(format!("its footer does not decode: {e}")))?;
    // Types are numbered in pre-order, so a child's id is above its parent's: orc-rust follows them
    // recursively, and a damaged footer whose types point back up would recurse without end.
    for (i, t) in footer.types.iter().enumerate() {
        if let Some(c) = t.subtypes.iter().find(|c| **c as usize <= i) {
            return Err(bad(format!("its footer gives type {i} the type {c} as a child, not one after it")));
        }
    }
    let mut checked = checked;
    for (i, s) in footer.stripes.iter().enumerate() {
        let (offset, index, data, foot) = (s.offset(), s.index_length(), s.data_length(), s.footer_length());
        let end = [offset, index, data, foot].iter().try_fold(0u64, |a, b| a.checked_add(*b));
        if end.is_none_or(|end| end > meta_at) {
            let (from, of) = (format!("from byte {offset}, {index} + {data} + {foot} bytes"), format!("{meta_at} bytes"));
            return Err(bad(format!("stripe {i} ({from}) reaches past the file's data ({of})")));
        }
        let sf = checked
            .inflate(&r.get_bytes(offset + index + data, foot).map_err(io)?, true)
            .map_err(|e| bad(format!("the footer of stripe {i}: {e}")))?;
        let sf = StripeFooter::decode(sf.as_slice())
            .map_err(|e| bad(format!("the footer of stripe {i} does not decode: {e}")))?;
        // One encoding per column: orc-rust indexes them by column id (a panic on a shorter list).
        if sf.columns.len() < footer.types.len() {
            let (n, m) = (sf.columns.len(), footer.types.len());
            return Err(bad(format!("the footer of stripe {i} gives {n} column encodings for {m} columns")));
        }
        let mut at = offset;
        for st in &sf.streams {
            let l = st.length();
            match at.checked_add(l) {
                Some(next) if next <= offset + index + data => {
                    checked.streams.insert((at, l));
                    at = next;
                }
                _ => {
                    return Err(bad(format!("the streams of stripe {i} add up to more than its {} bytes", index + data)))
                }
            }
        }
        if let Some(tz) = &sf.writer_timezone
            && tz.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(bad(format!("stripe {i} was written in time zone {tz:?}, which is not one")));
        }
    }
    Ok(checked)
}

impl Checked {
    /// Check `bytes`, read at `offset`, if they are one of the file's streams: every chunk whole and
    /// decompressing. Errors are `InvalidData`, as the reads that orc-rust wraps into its own errors.
    fn stream(&self, offset: u64, bytes: &Bytes) -> std::io::Result<()> {
        if self.codec.is_none() || !self.streams.contains(&(offset, bytes.len() as u64)) {
            return Ok(());
        }
        self.inflate(bytes, false).map(drop).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("the stream at byte {offset}: {e}"))
        })
    }

    /// The chunks of one compressed stream, decompressed (only checked when `keep` is false).
    fn inflate(&self, mut rest: &[u8], keep: bool) -> std::result::Result<Vec<u8>, String> {
        let Some((kind, block)) = self.codec else {
            return Ok(if keep { rest.to_vec() } else { Vec::new() });
        };
        let mut out = Vec::new();
        let mut chunk = Vec::new();
        while !rest.is_empty() {
            if rest.len() < 3 {
                return Err(format!("a chunk header cut after {} bytes", rest.len()));
            }
            let header = u32::from_le_bytes([rest[0], rest[1], rest[2], 0]);
            let (original, n) = (header & 1 == 1, (header >> 1) as usize);
            if n > rest.len() - 3 {
                return Err(format!("a chunk claims {n} bytes where {} follow", rest.len() - 3));
            }
            let body = &rest[3..3 + n];
            rest = &rest[3 + n..];
            if original {
                if keep {
                    out.extend_from_slice(body);
                }
                continue;
            }
            chunk.clear();
            decompress(kind, body, block, &mut chunk)
                .map_err(|e| format!("a {kind:?} chunk does not decompress: {e}"))?;
            if chunk.len() > block {
                return Err(format!("a chunk decompresses past the {block}-byte block size"));
            }
            if keep {
                out.extend_from_slice(&chunk);
            }
        }
        Ok(out)
    }
}

/// One compressed chunk, with the codecs orc-rust uses, reading at most one byte past `block`.
fn decompress(kind: CompressionKind, body: &[u8], block: usize, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let limit = block as u64 + 1;
    match kind {
        CompressionKind::None => out.extend_from_slice(body),
        CompressionKind::Zlib => {
            flate2::read::DeflateDecoder::new(body).take(limit).read_to_end(out).map_err(|e| e.to_string())?;
        }
        CompressionKind::Zstd => {
            let d = zstd::stream::read::Decoder::new(body).map_err(|e| e.to_string())?;
            d.take(limit).read_to_end(out).map_err(|e| e.to_string())?;
        }
        CompressionKind::Snappy => {
            let n = snap::raw::decompress_len(body).map_err(|e| e.to_string())?;
            if n > block {
                return Err(format!("it claims {n} bytes"));
            }
            out.resize(n, 0);
            snap::raw::Decoder::new().decompress(body, out).map_err(|e| e.to_string())?;
        }
        CompressionKind::Lz4 => {
            out.extend(lz4_flex::block::decompress(body, block).map_err(|e| e.to_string())?);
        }
        CompressionKind::Lzo => {
            let d = lzokay_native::decompress_all(body, None).map_err(|e| format!("{e:?}"))?;
            out.extend(d);
        }
    }
    Ok(())
}
