#![no_main]
//! Fuzz target `spark_zstd` (see fuzz/Cargo.toml): any input must give `Ok` or an `Error`, never a panic.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lakescope::fuzzing::spark_log(lakescope::spark::codec::Codec::Zstd, data);
});
