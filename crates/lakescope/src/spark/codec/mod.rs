//! Decompression of Spark event logs, chosen by file suffix as Spark itself does
//! (`<app>[.zstd|.lz4|.snappy|.lzf][.inprogress]`).
//!
//! Spark writes its logs through the *Java* libraries' stream classes, whose framing is not the one the
//! usual Rust crates read: lz4-java's `LZ4BlockOutputStream` is not the LZ4 frame format, snappy-java's
//! `SnappyOutputStream` is not the snappy framing format, compress-lzf writes "ZV" chunks. The raw block
//! codecs come from crates made for them (`lz4_flex`, `snap`, `zstd`); this module only adds the framing.
//!
//! Every decoder is a streaming `Read` with a buffer of one block: memory does not grow with the log.
//! A stream that stops inside a block or frame (a log copied while Spark was writing it) ends with an
//! `UnexpectedEof` error *after* everything decodable was returned, so the caller keeps what it read and
//! reports the truncation; broken data is `InvalidData` with the byte offset.

mod lz4;
mod lzf;
mod snappy;

use std::io::{self, Read};

pub use lz4::Lz4BlockReader;
pub use lzf::{LzfReader, decompress_lzf_chunk};
pub use snappy::SnappyJavaReader;

/// The compression of one event-log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Plain,
    Zstd,
    Lz4,
    Snappy,
    Lzf,
}

impl Codec {
    /// Spark's naming: the codec is the suffix after the last dot, once `.inprogress` is removed.
    pub fn from_file_name(name: &str) -> Codec {
        let base = name.strip_suffix(".inprogress").unwrap_or(name);
        match base.rsplit_once('.').map(|(_, ext)| ext) {
            Some("zstd") | Some("zst") => Codec::Zstd,
            Some("lz4") => Codec::Lz4,
            Some("snappy") => Codec::Snappy,
            Some("lzf") => Codec::Lzf,
            _ => Codec::Plain,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Plain => "plain",
            Codec::Zstd => "zstd",
            Codec::Lz4 => "lz4",
            Codec::Snappy => "snappy",
            Codec::Lzf => "lzf",
        }
    }

    /// Wrap a compressed stream in its decoder.
    pub fn decoder<'a>(self, input: impl Read + Send + 'a) -> io::Result<Box<dyn Read + Send + 'a>> {
        Ok(match self {
            Codec::Plain => Box::new(input),
            Codec::Zstd => Box::new(ZstdReader::new(input)?),
            Codec::Lz4 => Box::new(Lz4BlockReader::new(input)),
            Codec::Snappy => Box::new(SnappyJavaReader::new(input)),
            Codec::Lzf => Box::new(LzfReader::new(input)),
        })
    }
}

/// Concatenated zstd frames (Spark's writer closes a frame at every flush). A stream that ends inside a
/// frame reports `UnexpectedEof` naming the cut, after returning the frame's decodable part.
pub struct ZstdReader<'a, R: Read> {
    inner: zstd::stream::read::Decoder<'a, io::BufReader<R>>,
    done: bool,
}

impl<R: Read> ZstdReader<'_, R> {
    pub fn new(input: R) -> io::Result<Self> {
        Ok(ZstdReader { inner: zstd::stream::read::Decoder::new(input)?, done: false })
    }
}

impl<R: Read> Read for ZstdReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(0) => {
                self.done = true;
                Ok(0)
            }
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof || e.to_string().contains("incomplete frame") => {
                self.done = true;
                Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the last zstd frame is cut off (the log was copied or read while Spark was writing it)"))
            }
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))),
        }
    }
}

/// A framed codec's decoding half: fills `block` with the next decoded block, false at a clean end.
pub trait Blocks {
    fn next_block(&mut self, block: &mut Vec<u8>) -> io::Result<bool>;
}

/// `Read` over a [`Blocks`] decoder, holding one decoded block at a time. After an error the stream
/// stays ended: a reader never resumes in the middle of a broken frame.
pub struct BlockReader<B> {
    blocks: B,
    block: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<B: Blocks> BlockReader<B> {
    fn with(blocks: B) -> Self {
        BlockReader { blocks, block: Vec::new(), pos: 0, done: false }
    }
}

impl<B: Blocks> Read for BlockReader<B> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.block.len() {
            if self.done || !self.blocks.next_block(&mut self.block).inspect_err(|_| self.done = true)? {
                self.done = true;
                return Ok(0);
            }
            self.pos = 0;
        }
        let n = buf.len().min(self.block.len() - self.pos);
        buf[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Fill `buf` completely, or report how many bytes were available before the end of the stream.
pub(crate) fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

pub(crate) fn truncated(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, what.to_string())
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_from_spark_file_names() {
        assert_eq!(Codec::from_file_name("app-20261201101126-0000"), Codec::Plain);
        assert_eq!(Codec::from_file_name("local-1796119921247.inprogress"), Codec::Plain);
        assert_eq!(Codec::from_file_name("events_1_app-1.zstd"), Codec::Zstd);
        assert_eq!(Codec::from_file_name("local-1.zstd.inprogress"), Codec::Zstd);
        assert_eq!(Codec::from_file_name("application_1_0001_1.lz4"), Codec::Lz4);
        assert_eq!(Codec::from_file_name("a.snappy"), Codec::Snappy);
        assert_eq!(Codec::from_file_name("a.lzf.inprogress"), Codec::Lzf);
    }

    #[test]
    fn zstd_multi_frame_and_cut_frame() {
        let mut data = zstd::encode_all(&b"{\"a\":1}\n"[..], 3).unwrap();
        data.extend(zstd::encode_all(&b"{\"b\":2}\n"[..], 3).unwrap());
        let mut out = String::new();
        Codec::Zstd.decoder(&data[..]).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "{\"a\":1}\n{\"b\":2}\n");

        let cut = &data[..data.len() - 3];
        let mut r = Codec::Zstd.decoder(cut).unwrap();
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
        assert!(err.to_string().contains("zstd frame is cut"), "{err}");
        assert!(out.starts_with(b"{\"a\":1}\n"), "the complete first frame is kept");
    }

    #[test]
    fn zstd_garbage_is_corrupt() {
        let mut out = Vec::new();
        let err = Codec::Zstd.decoder(&b"this is not zstd at all"[..]).unwrap().read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
    }
}
