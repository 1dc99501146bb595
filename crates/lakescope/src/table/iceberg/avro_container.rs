//! Avro object container files split into header and blocks, for [`super::fast_avro`]: the records
//! themselves are decoded by serde_avro_fast, but its own container reader refuses a block whose
//! compressed bytes go on past the end of the deflate stream — and pyiceberg's writer (like fastavro's)
//! ends every deflate block with three such bytes, the tail of a zlib checksum. Java's reader and
//! apache-avro read only the records a block says it holds and ignore the rest; so does this
//! (Ten0/serde_avro_fast#27 is the open report).
//!
//! Everything here answers `None` on anything unexpected; the caller then takes the iceberg crate's
//! reader, which gives the real error.

use std::collections::HashMap;
use std::io::Read;

use serde::de::DeserializeOwned;

const MAGIC: &[u8; 4] = b"Obj\x01";
/// No block of a manifest or manifest list decompresses to more than this; a bigger one is refused
/// (a deflate bomb must not take the app's memory).
const MAX_BLOCK_BYTES: u64 = 512 << 20;

pub(super) struct Container<'a> {
    /// The header's key-value metadata (`avro.schema`, `avro.codec`, and the writer's own keys).
    pub meta: HashMap<String, Vec<u8>>,
    schema: serde_avro_fast::Schema,
    codec: Codec,
    sync: &'a [u8],
    blocks: &'a [u8],
}

#[derive(Clone, Copy)]
enum Codec {
    Null,
    Deflate,
    Zstandard,
}

/// A zig-zag varint `long`.
pub(super) fn long(b: &mut &[u8]) -> Option<i64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((v >> 1) as i64 ^ -((v & 1) as i64));
        }
    }
    None
}

/// Length-prefixed bytes (Avro's `bytes` and `string`).
pub(super) fn chunk<'a>(b: &mut &'a [u8]) -> Option<&'a [u8]> {
    let n = long(b)?;
    take(b, n)
}

fn take<'a>(b: &mut &'a [u8], n: i64) -> Option<&'a [u8]> {
    let n = usize::try_from(n).ok()?;
    if n > b.len() {
        return None;
    }
    let (head, rest) = b.split_at(n);
    *b = rest;
    Some(head)
}

impl<'a> Container<'a> {
    /// The header, or `None` when `bytes` is not a container file this reader takes (codecs: null,
    /// deflate, zstandard).
    pub fn open(bytes: &'a [u8]) -> Option<Container<'a>> {
        let mut b = bytes.strip_prefix(MAGIC)?;
        let mut meta = HashMap::new();
        loop {
            let mut count = long(&mut b)?;
            if count == 0 {
                break;
            }
            if count < 0 {
                count = count.checked_neg()?;
                long(&mut b)?; // the block's size in bytes
            }
            for _ in 0..count {
                let key = std::str::from_utf8(chunk(&mut b)?).ok()?.to_string();
                meta.insert(key, chunk(&mut b)?.to_vec());
            }
        }
        let sync = take(&mut b, 16)?;
        let schema = std::str::from_utf8(meta.get("avro.schema")?).ok()?.parse().ok()?;
        let codec = match meta.get("avro.codec").map(|c| c.as_slice()) {
            None | Some(b"null") => Codec::Null,
            Some(b"deflate") => Codec::Deflate,
            Some(b"zstandard") => Codec::Zstandard,
            Some(_) => return None,
        };
        Some(Container { meta, schema, codec, sync, blocks: b })
    }

    /// Every record, in order, as `T` (serde skips the fields `T` leaves out).
    pub fn records<T: DeserializeOwned>(&self) -> Option<Vec<T>> {
        let mut out = Vec::new();
        let mut b = self.blocks;
        while !b.is_empty() {
            let count = long(&mut b)?;
            let size = long(&mut b)?;
            let data = take(&mut b, size)?;
            if take(&mut b, 16)? != self.sync {
                return None;
            }
            let decoded;
            let block: &[u8] = match self.codec {
                Codec::Null => data,
                Codec::Deflate => {
                    let mut v = Vec::new();
                    flate2::read::DeflateDecoder::new(data).take(MAX_BLOCK_BYTES + 1).read_to_end(&mut v).ok()?;
                    decoded = v;
                    &decoded
                }
                Codec::Zstandard => {
                    let mut v = Vec::new();
                    zstd::stream::read::Decoder::new(data).ok()?.take(MAX_BLOCK_BYTES + 1).read_to_end(&mut v).ok()?;
                    decoded = v;
                    &decoded
                }
            };
            if block.len() as u64 > MAX_BLOCK_BYTES {
                return None;
            }
            let mut state = serde_avro_fast::de::DeserializerState::from_slice(block, &self.schema);
            for _ in 0..count {
                out.push(T::deserialize(state.deserializer()).ok()?);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::long;

    #[test]
    fn zigzag_longs() {
        for (bytes, v) in [(&[0u8][..], 0i64), (&[1], -1), (&[2], 1), (&[0x80, 0x01], 64), (&[0xff, 0x01], -128)] {
            let mut b = bytes;
            assert_eq!(long(&mut b), Some(v), "{bytes:?}");
            assert!(b.is_empty());
        }
        assert_eq!(long(&mut &[0x80u8][..]), None, "truncated");
        assert_eq!(long(&mut &[0xffu8; 11][..]), None, "too long");
    }
}
