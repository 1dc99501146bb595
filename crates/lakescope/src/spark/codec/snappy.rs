//! snappy-java's `SnappyOutputStream` framing, which Spark's `snappy` codec writes: a 16-byte header
//! (`\x82SNAPPY\0`, version and compatible version as big-endian ints), then blocks of a big-endian
//! length followed by raw snappy data. The format has no end marker; snappy-java reads concatenated
//! streams, so a header may appear again between blocks.

use std::io::{self, Read};

use super::{BlockReader, Blocks, corrupt, read_full, truncated};

const MAGIC: &[u8; 8] = b"\x82SNAPPY\x00";
const HEADER_LEN: usize = 16;
/// Far above snappy-java's block sizes (32 KiB default): a larger length means the stream is broken.
const MAX_BLOCK: usize = 64 << 20;

pub type SnappyJavaReader<R> = BlockReader<SnappyBlocks<R>>;

impl<R: Read> SnappyJavaReader<R> {
    pub fn new(inner: R) -> Self {
        BlockReader::with(SnappyBlocks { inner, decoder: snap::raw::Decoder::new(), compressed: Vec::new(), offset: 0, started: false })
    }
}

pub struct SnappyBlocks<R> {
    inner: R,
    decoder: snap::raw::Decoder,
    compressed: Vec<u8>,
    offset: u64,
    started: bool,
}

impl<R: Read> SnappyBlocks<R> {
    fn read_header(&mut self, first4: Option<[u8; 4]>) -> io::Result<()> {
        let mut header = [0u8; HEADER_LEN];
        let start = match first4 {
            Some(f) => {
                header[..4].copy_from_slice(&f);
                4
            }
            None => 0,
        };
        let got = read_full(&mut self.inner, &mut header[start..])?;
        if start + got < HEADER_LEN {
            return Err(truncated(format!("snappy-java header cut off at byte {}", self.offset)));
        }
        if &header[..8] != MAGIC {
            return Err(corrupt(format!("snappy: no snappy-java header at byte {} (not a SnappyOutputStream?)", self.offset)));
        }
        self.offset += HEADER_LEN as u64;
        Ok(())
    }

}

impl<R: Read> Blocks for SnappyBlocks<R> {
    fn next_block(&mut self, block: &mut Vec<u8>) -> io::Result<bool> {
        if !self.started {
            self.started = true;
            let mut probe = [0u8; 1];
            if read_full(&mut self.inner, &mut probe)? == 0 {
                return Ok(false);
            }
            let mut first4 = [probe[0], 0, 0, 0];
            let got = read_full(&mut self.inner, &mut first4[1..])?;
            if got < 3 {
                return Err(truncated("snappy-java header cut off at byte 0"));
            }
            self.read_header(Some(first4))?;
        }
        loop {
            let mut len = [0u8; 4];
            let got = read_full(&mut self.inner, &mut len)?;
            if got == 0 {
                return Ok(false);
            }
            if got < 4 {
                return Err(truncated(format!("snappy block length cut off at byte {}", self.offset)));
            }
            if len == MAGIC[..4] {
                self.read_header(Some(len))?;
                continue;
            }
            let at = self.offset;
            self.offset += 4;
            let clen = i32::from_be_bytes(len);
            if clen < 0 || clen as usize > MAX_BLOCK {
                return Err(corrupt(format!("snappy: impossible block length {clen} at byte {at}")));
            }
            let clen = clen as usize;
            self.compressed.resize(clen, 0);
            let got = read_full(&mut self.inner, &mut self.compressed)?;
            self.offset += got as u64;
            if got < clen {
                return Err(truncated(format!("snappy block at byte {at} cut off after {got} of {clen} bytes")));
            }
            let dlen = snap::raw::decompress_len(&self.compressed).map_err(|e| corrupt(format!("snappy block at byte {at}: {e}")))?;
            if dlen > MAX_BLOCK {
                return Err(corrupt(format!("snappy block at byte {at} claims {dlen} bytes")));
            }
            block.resize(dlen, 0);
            self.decoder
                .decompress(&self.compressed, block)
                .map_err(|e| corrupt(format!("snappy block at byte {at}: {e}")))?;
            if dlen > 0 {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snappy_java(chunks: &[&[u8]]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
        let mut enc = snap::raw::Encoder::new();
        for c in chunks {
            let comp = enc.compress_vec(c).unwrap();
            out.extend_from_slice(&(comp.len() as i32).to_be_bytes());
            out.extend_from_slice(&comp);
        }
        out
    }

    fn decode(data: &[u8]) -> (Vec<u8>, io::Result<()>) {
        let mut out = Vec::new();
        let res = SnappyJavaReader::new(data).read_to_end(&mut out).map(|_| ());
        (out, res)
    }

    #[test]
    fn blocks_and_concatenated_streams() {
        let mut data = snappy_java(&[b"{\"Event\":\"A\"}\n", b"{\"Event\":\"B\"}\n"]);
        data.extend(snappy_java(&[b"more\n"]));
        let (out, res) = decode(&data);
        res.unwrap();
        assert_eq!(out, b"{\"Event\":\"A\"}\n{\"Event\":\"B\"}\nmore\n");
        assert_eq!(decode(b"").0, b"");
    }

    #[test]
    fn truncated_and_corrupt() {
        let data = snappy_java(&[b"first line\n", b"second line that is longer\n"]);
        let (out, res) = decode(&data[..data.len() - 4]);
        assert_eq!(out, b"first line\n", "complete blocks are kept");
        let err = res.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("cut off"), "{err}");

        let err = decode(b"{\"Event\":\"plain json\"}\n").1.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("snappy-java header"), "{err}");

        let mut bad = data.clone();
        bad[20] = 0xFF; // first byte of the first block's payload (its varint length)
        bad[21] = 0xFF;
        let err = decode(&bad).1.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
    }
}
