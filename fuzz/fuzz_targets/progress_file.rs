#![no_main]
//! Fuzz target `progress_file` (see fuzz/Cargo.toml): any input must give `Ok` or an `Error`, never a panic.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lakescope::fuzzing::progress_file(data);
});
