//! compress-lzf's `LZFOutputStream` framing, which Spark's `lzf` codec writes: chunks of `"ZV"`, a type
//! byte (0 stored: big-endian u16 length; 1 compressed: u16 compressed and u16 original length), then the
//! payload. No maintained pure-Rust LZF crate exists, and the LZF format (liblzf's `lzf_d`) is a few lines,
//! so the decompressor lives here, with bounds checks on every copy.

use std::io::{self, Read};

use super::{BlockReader, Blocks, corrupt, read_full, truncated};

pub type LzfReader<R> = BlockReader<LzfChunks<R>>;

impl<R: Read> LzfReader<R> {
    pub fn new(inner: R) -> Self {
        BlockReader::with(LzfChunks { inner, compressed: Vec::with_capacity(1 << 16), offset: 0 })
    }
}

pub struct LzfChunks<R> {
    inner: R,
    compressed: Vec<u8>,
    offset: u64,
}

impl<R: Read> Blocks for LzfChunks<R> {
    fn next_block(&mut self, block: &mut Vec<u8>) -> io::Result<bool> {
        loop {
            let mut head = [0u8; 5];
            let got = read_full(&mut self.inner, &mut head)?;
            if got == 0 {
                return Ok(false);
            }
            let at = self.offset;
            if got < 3 || (head[2] == 0 && got < 5) {
                return Err(truncated(format!("lzf chunk header cut off at byte {at}")));
            }
            if &head[..2] != b"ZV" {
                return Err(corrupt(format!("lzf: no ZV chunk marker at byte {at} (not a compress-lzf stream?)")));
            }
            let (stored_len, clen, dlen) = match head[2] {
                0 => (Some(u16::from_be_bytes([head[3], head[4]]) as usize), 0, 0),
                1 => {
                    let mut more = [0u8; 2];
                    if got < 5 || read_full(&mut self.inner, &mut more)? < 2 {
                        return Err(truncated(format!("lzf chunk header cut off at byte {at}")));
                    }
                    self.offset += 2;
                    (None, u16::from_be_bytes([head[3], head[4]]) as usize, u16::from_be_bytes(more) as usize)
                }
                t => return Err(corrupt(format!("lzf: unknown chunk type {t} at byte {at}"))),
            };
            self.offset += 5;
            let payload = stored_len.unwrap_or(clen);
            self.compressed.resize(payload, 0);
            let got = read_full(&mut self.inner, &mut self.compressed)?;
            self.offset += got as u64;
            if got < payload {
                return Err(truncated(format!("lzf chunk at byte {at} cut off after {got} of {payload} bytes")));
            }
            if stored_len.is_some() {
                std::mem::swap(block, &mut self.compressed);
            } else {
                block.clear();
                decompress_lzf_chunk(&self.compressed, block, dlen)
                    .map_err(|e| corrupt(format!("lzf chunk at byte {at}: {e}")))?;
            }
            if !block.is_empty() {
                return Ok(true);
            }
        }
    }
}

/// Decompress one LZF chunk (liblzf's `lzf_d`) into `out`, which must end up `expected` bytes long.
pub fn decompress_lzf_chunk(input: &[u8], out: &mut Vec<u8>, expected: usize) -> Result<(), String> {
    let start = out.len();
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            let lit = input.get(ip..ip + run).ok_or_else(|| format!("literal run of {run} bytes past the end of input"))?;
            out.extend_from_slice(lit);
            ip += run;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip).ok_or("back-reference length past the end of input")? as usize;
                ip += 1;
            }
            let low = *input.get(ip).ok_or("back-reference offset past the end of input")? as usize;
            ip += 1;
            let back = ((ctrl & 0x1F) << 8) + low + 1;
            let produced = out.len() - start;
            if back > produced {
                return Err(format!("back-reference {back} bytes behind, only {produced} produced"));
            }
            len += 2;
            let from = out.len() - back;
            if back >= len {
                out.extend_from_within(from..from + len);
            } else {
                for k in 0..len {
                    let b = out[from + k];
                    out.push(b);
                }
            }
        }
        if out.len() - start > expected {
            return Err(format!("decodes to more than the {expected} bytes its header says"));
        }
    }
    if out.len() - start != expected {
        return Err(format!("decoded {} bytes, header says {expected}", out.len() - start));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // "abcabcabcabc\n" by hand in LZF: literal "abc", then a back-reference of length 9 at distance 3,
    // then literal "\n". ctrl for a literal run of 3 = 2; back-ref: len-2 = 7 → 7 in the top bits plus an
    // extra length byte 0, offset 3 − 1 = 2.
    const ABC: &[u8] = &[2, b'a', b'b', b'c', 0b1110_0000, 0, 2, 0, b'\n'];

    #[test]
    fn decompresses_literals_and_overlapping_back_references() {
        let mut out = Vec::new();
        decompress_lzf_chunk(ABC, &mut out, 13).unwrap();
        assert_eq!(out, b"abcabcabcabc\n");
    }

    #[test]
    fn rejects_bad_references_and_lengths() {
        let mut out = Vec::new();
        assert!(decompress_lzf_chunk(&[0b0010_0000, 5], &mut out, 3).unwrap_err().contains("behind"));
        out.clear();
        assert!(decompress_lzf_chunk(ABC, &mut out, 12).unwrap_err().contains("more than"));
        out.clear();
        assert!(decompress_lzf_chunk(&[5, b'a'], &mut out, 6).unwrap_err().contains("past the end"));
    }

    fn stream() -> Vec<u8> {
        let mut s = b"ZV\x00\x00\x06stored".to_vec();
        s.extend_from_slice(b"ZV\x01");
        s.extend_from_slice(&(ABC.len() as u16).to_be_bytes());
        s.extend_from_slice(&13u16.to_be_bytes());
        s.extend_from_slice(ABC);
        s
    }

    #[test]
    fn reads_stored_and_compressed_chunks() {
        let mut out = Vec::new();
        LzfReader::new(&stream()[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"storedabcabcabcabc\n");
    }

    #[test]
    fn truncated_and_corrupt_streams() {
        let s = stream();
        let mut out = Vec::new();
        let err = LzfReader::new(&s[..s.len() - 2]).read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(out, b"stored", "the complete chunk is kept");
        let err = LzfReader::new(&b"{\"Event\":1}"[..]).read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("ZV"), "{err}");
    }
}
