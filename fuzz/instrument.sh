#!/bin/sh
# rustc wrapper (RUSTC_WRAPPER) for scripts/fuzz.sh: libFuzzer's coverage instrumentation (the flags
# cargo-fuzz passes, all stable -C options) for the engine crate only, so every dependency the tests
# already compiled is reused as is.
rustc=$1
shift
case " $* " in
*" --crate-name lakescope "*)
  exec "$rustc" "$@" -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares ;;
esac
exec "$rustc" "$@"
