//! lz4-java's `LZ4BlockOutputStream` framing, which Spark's `lz4` codec writes: repeated blocks of
//! `"LZ4Block"` magic, a token (method | level), compressed length, decompressed length and a 28-bit
//! xxHash32 checksum (all little-endian), then the payload — raw LZ4 or stored. A block with both lengths
//! zero ends a stream; Spark reads concatenated streams, so more may follow.

use std::io::{self, Read};

use super::{BlockReader, Blocks, corrupt, read_full, truncated};

const MAGIC: &[u8; 8] = b"LZ4Block";
const HEADER_LEN: usize = 21;
const METHOD_RAW: u8 = 0x10;
const METHOD_LZ4: u8 = 0x20;
/// lz4-java's own limit (`1 << (10 + 0x0F)`): anything larger is not a block it could have written.
const MAX_BLOCK: usize = 1 << 25;
/// `XXHashFactory.newStreamingHash32(0x9747b28c).asChecksum()`, masked to 28 bits as lz4-java does.
const SEED: u32 = 0x9747_b28c;

pub type Lz4BlockReader<R> = BlockReader<Lz4Blocks<R>>;

impl<R: Read> Lz4BlockReader<R> {
    pub fn new(inner: R) -> Self {
        BlockReader::with(Lz4Blocks { inner, compressed: Vec::new(), offset: 0, at_end_block: false })
    }
}

pub struct Lz4Blocks<R> {
    inner: R,
    compressed: Vec<u8>,
    /// Bytes of the compressed stream consumed so far (for error messages).
    offset: u64,
    /// The last thing read was an end block, so the stream may end here.
    at_end_block: bool,
}

impl<R: Read> Blocks for Lz4Blocks<R> {
    fn next_block(&mut self, block: &mut Vec<u8>) -> io::Result<bool> {
        loop {
            let mut header = [0u8; HEADER_LEN];
            let got = read_full(&mut self.inner, &mut header)?;
            if got == 0 {
                if self.at_end_block || self.offset == 0 {
                    return Ok(false);
                }
                return Err(truncated(format!(
                    "lz4 stream ends after {} bytes without its end block (the log was not closed)",
                    self.offset
                )));
            }
            if got < HEADER_LEN {
                return Err(truncated(format!("lz4 block header cut off at byte {}", self.offset)));
            }
            if &header[..8] != MAGIC {
                return Err(corrupt(format!("lz4: no LZ4Block magic at byte {} (not an lz4-java stream?)", self.offset)));
            }
            let method = header[8] & 0xF0;
            let clen = i32::from_le_bytes(header[9..13].try_into().unwrap());
            let dlen = i32::from_le_bytes(header[13..17].try_into().unwrap());
            let check = u32::from_le_bytes(header[17..21].try_into().unwrap());
            let at = self.offset;
            self.offset += HEADER_LEN as u64;
            if clen < 0 || dlen < 0 || dlen as usize > MAX_BLOCK || (clen as usize) > MAX_BLOCK + MAX_BLOCK / 255 + 16 {
                return Err(corrupt(format!("lz4: impossible block lengths {clen}/{dlen} at byte {at}")));
            }
            let (clen, dlen) = (clen as usize, dlen as usize);
            if method != METHOD_RAW && method != METHOD_LZ4 {
                return Err(corrupt(format!("lz4: unknown compression method {:#04x} at byte {at}", header[8])));
            }
            if dlen == 0 {
                if clen != 0 || check != 0 {
                    return Err(corrupt(format!("lz4: malformed end block at byte {at}")));
                }
                self.at_end_block = true;
                continue;
            }
            self.at_end_block = false;
            if method == METHOD_RAW && clen != dlen {
                return Err(corrupt(format!("lz4: stored block with lengths {clen}/{dlen} at byte {at}")));
            }
            self.compressed.resize(clen, 0);
            let got = read_full(&mut self.inner, &mut self.compressed)?;
            self.offset += got as u64;
            if got < clen {
                return Err(truncated(format!("lz4 block at byte {at} cut off after {got} of {clen} bytes")));
            }
            block.resize(dlen, 0);
            if method == METHOD_RAW {
                block.copy_from_slice(&self.compressed);
            } else {
                let n = lz4_flex::block::decompress_into(&self.compressed, block)
                    .map_err(|e| corrupt(format!("lz4 block at byte {at}: {e}")))?;
                if n != dlen {
                    return Err(corrupt(format!("lz4 block at byte {at} decoded to {n} bytes, header says {dlen}")));
                }
            }
            let actual = twox_hash::XxHash32::oneshot(SEED, block) & 0x0FFF_FFFF;
            if actual != check {
                return Err(corrupt(format!("lz4 block at byte {at}: checksum mismatch ({actual:#x} ≠ {check:#x})")));
            }
            return Ok(true);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Write `data` as lz4-java would: one LZ4 block per chunk, then an end block.
    pub(crate) fn lz4_java(chunks: &[&[u8]], end_block: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for c in chunks {
            let comp = lz4_flex::block::compress(c);
            out.extend_from_slice(MAGIC);
            out.push(METHOD_LZ4 | 0x07);
            out.extend_from_slice(&(comp.len() as i32).to_le_bytes());
            out.extend_from_slice(&(c.len() as i32).to_le_bytes());
            out.extend_from_slice(&(twox_hash::XxHash32::oneshot(SEED, c) & 0x0FFF_FFFF).to_le_bytes());
            out.extend_from_slice(&comp);
        }
        if end_block {
            out.extend_from_slice(MAGIC);
            out.push(METHOD_RAW | 0x07);
            out.extend_from_slice(&[0u8; 12]);
        }
        out
    }

    fn decode(data: &[u8]) -> (Vec<u8>, io::Result<()>) {
        let mut r = Lz4BlockReader::new(data);
        let mut out = Vec::new();
        let res = r.read_to_end(&mut out).map(|_| ());
        (out, res)
    }

    #[test]
    fn blocks_and_concatenated_streams() {
        let mut data = lz4_java(&[b"{\"Event\":\"A\"}\n", b"{\"Event\":\"B\"}\n"], true);
        data.extend(lz4_java(&[b"tail\n"], true));
        let (out, res) = decode(&data);
        res.unwrap();
        assert_eq!(out, b"{\"Event\":\"A\"}\n{\"Event\":\"B\"}\ntail\n");
    }

    #[test]
    fn missing_end_block_is_truncation_after_the_data() {
        let data = lz4_java(&[b"line one\n"], false);
        let (out, res) = decode(&data);
        assert_eq!(out, b"line one\n");
        let err = res.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("without its end block"), "{err}");
    }

    #[test]
    fn cut_block_and_bad_magic_and_checksum() {
        let data = lz4_java(&[b"some longer line that compresses a little little little\n"], true);
        let err = decode(&data[..30]).1.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("cut off"), "{err}");

        let mut bad = data.clone();
        bad[0] = b'X';
        let err = decode(&bad).1.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("magic at byte 0"), "{err}");

        let mut bad = data.clone();
        bad[17] ^= 0x55;
        let err = decode(&bad).1.unwrap_err();
        assert!(err.to_string().contains("checksum mismatch"), "{err}");
    }
}
