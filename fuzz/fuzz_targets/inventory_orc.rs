#![no_main]
//! Fuzz target `inventory_orc` (see fuzz/Cargo.toml): any input must give `Ok` or an `Error`, never a panic
//! — but for one known kind. orc-rust's value decoders (its `src/encoding/` and `src/array_decoder/`)
//! panic on streams that decompress but hold damaged runs; the engine cannot check those short of
//! decoding the file itself, so it turns them into the file's `Corrupt` error (storage/inventory/rows.rs).
//! Those panics are let through to that catch here, so the fuzzer goes on; a panic anywhere else
//! (Lakescope, orc-rust's framing, decompression and metadata, which orc_check guards) still aborts.
use lakescope::fuzzing::InventoryFile;

libfuzzer_sys::fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_values = info.location().is_some_and(|l| {
                let f = l.file();
                f.contains("/orc-rust-") && (f.contains("/src/encoding/") || f.contains("/src/array_decoder/"))
            });
            if !in_values {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        let _ = lakescope::fuzzing::inventory(InventoryFile::Orc, data);
    }
);
