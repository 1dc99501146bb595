#![no_main]
//! Fuzz target `inventory_orc` (see fuzz/Cargo.toml): any input must give `Ok` or an `Error`, never a panic.
use lakescope::fuzzing::InventoryFile;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lakescope::fuzzing::inventory(InventoryFile::Orc, data);
});
