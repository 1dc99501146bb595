#!/usr/bin/env bash
# Fuzz every parser of outside input (issue 8): scripts/fuzz.sh [seconds-per-target] [target…]
#
# Builds the libFuzzer targets of fuzz/ (a cargo-fuzz crate outside the workspace: CI never builds or
# runs it), seeds each target's corpus from the real fixtures (the repository's Spark logs, the demo
# lakehouse's Delta and Iceberg files, the inventories tests/inventory/make.py writes, the tutorials, and
# the small hand-made seeds in fuzz/seeds/), runs each target for the given time (default 60 s) and
# prints, per target, the executions and whether it crashed, with the reproducer's path. Exit status 1
# when any target crashed.
#
# The targets build with the stable toolchain in the dev profile into the main target/ directory (reusing
# what the tests compiled; debug assertions and overflow checks on, so an overflow is a crash too), with
# only the engine crate instrumented for coverage (fuzz/instrument.sh; see fuzz/Cargo.toml). Environment:
#   LAKESCOPE_FUZZ_DEMO   the demo lakehouse to take seeds from (default target/test-demo, which the
#                         integration tests build)
#   LAKESCOPE_PYTHON      a Python with pyarrow, to write inventory seeds with tests/inventory/make.py
#   CARGO_TARGET_DIR      where the targets build (default target/; another one lets tests build meanwhile)
# Reproduce a crash: target/debug/TARGET fuzz/artifacts/TARGET/crash-…   (cargo-fuzz works as well:
# `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -a TARGET`, a full instrumented release build of the tree.)
set -euo pipefail

secs=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Another target directory (CARGO_TARGET_DIR) keeps the fuzz build from holding the main one's lock.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(ls fuzz/fuzz_targets | sed 's/\.rs$//'); fi
demo=${LAKESCOPE_FUZZ_DEMO:-$root/target/test-demo}
seeds=$root/target/fuzz-seeds

# Copy up to `max` files matching a find expression into a corpus directory.
take() {
  local dir=$1 max=$2 base=$3
  shift 3
  [ -d "$base" ] || return 0
  mkdir -p "$dir"
  # sed, not head: head stops reading after `max` lines and the SIGPIPE it leaves find or sort with
  # fails the pipeline under pipefail (and `set -e` ended the whole run at the first large seed set).
  find "$base" -type f "$@" 2>/dev/null | sort | sed -n "1,${max}p" | while read -r f; do
    cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
  done
}

# Inventories in every format, written once by the repository's generator (needs pyarrow).
inventories() {
  local out=$seeds/inventories
  [ -d "$out" ] && return 0
  local py=${LAKESCOPE_PYTHON:-python3}
  if [ -d "$demo/delta" ] && "$py" -c 'import pyarrow.orc' 2>/dev/null; then
    "$py" tests/inventory/make.py tree --tree "$demo" --subdirs delta --out "$out" --days 2 >/dev/null
  fi
}

seed() {
  local t=$1 dir=$root/fuzz/corpus/$1
  [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && return 0
  mkdir -p "$dir"
  local logs=$root/assets/spark/logs
  case $t in
    spark_plain)
      take "$dir" 2 "$logs/codecs" -name 'app-*' ! -name '*.*'
      take "$dir" 3 "$logs/inprogress" -name '*.inprogress' ;;
    spark_zstd)
      take "$dir" 1 "$logs/codecs" -name '*.zstd'
      # A rolled log: its parts, 0xFF 0xFF-separated (see lakescope::fuzzing::spark_log).
      local parts=("$logs"/rolled/*/events_*.zstd)
      if [ -f "${parts[0]}" ]; then
        for p in "${parts[@]}"; do cat "$p"; printf '\377\377'; done > "$dir/rolled"
      fi ;;
    spark_lz4 | spark_snappy | spark_lzf) take "$dir" 1 "$logs/codecs" -name "*.${t#spark_}" ;;
    delta_commit) take "$dir" 30 "$demo/delta" -path '*_delta_log/*' -name '*.json' -size -64k ;;
    delta_checkpoint) take "$dir" 6 "$demo/delta" -name '*.checkpoint.parquet' -size -256k ;;
    iceberg_metadata) take "$dir" 10 "$demo/warehouse" -name '*.metadata.json' -size -64k ;;
    iceberg_manifest_list) take "$dir" 10 "$demo/warehouse" -name 'snap-*.avro' ;;
    iceberg_manifest) take "$dir" 10 "$demo/warehouse" -name '*-m[0-9]*.avro' -size -64k ;;
    inventory_manifest) inventories; take "$dir" 6 "$seeds/inventories" -name manifest.json ;;
    inventory_csv_gz | inventory_csv)
      inventories
      # The target reads the manifest's fileSchema as the input's first line, then the data file.
      find "$seeds/inventories" -name manifest.json -path '*csv*' 2>/dev/null | sed -n 1,2p | while read -r m; do
        local schema
        schema=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fileSchema"])' "$m")
        find "$(dirname "$(dirname "$m")")/data" -name '*.csv.gz' | sed -n 1,2p | while read -r f; do
          if [ "$t" = inventory_csv_gz ]; then { echo "$schema"; cat "$f"; } > "$dir/$(basename "$f")"
          else { echo "$schema"; gzip -dc "$f" | { head -c 65536; cat >/dev/null; }; } > "$dir/$(basename "$f" .gz)"; fi
        done
      done ;;
    inventory_parquet) inventories; take "$dir" 4 "$seeds/inventories" -name '*.parquet' -size -256k ;;
    inventory_orc) inventories; take "$dir" 4 "$seeds/inventories" -name '*.orc' -size -256k ;;
    inventory_oiv) inventories; take "$dir" 2 "$seeds/inventories/hdfs" -type f -size -256k ;;
    tutorial) take "$dir" 10 "$root/assets/tutorials" -name '*.md' ;;
  esac
}

echo "building the fuzz targets (fuzz/)…" >&2
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
RUSTC_WRAPPER=$root/fuzz/instrument.sh nice -n 19 cargo build --manifest-path fuzz/Cargo.toml "${bins[@]}" >&2

summary=()
crashed=0
for t in "${targets[@]}"; do
  seed "$t"
  corpus=("fuzz/corpus/$t")
  [ -d "fuzz/seeds/$t" ] && corpus+=("fuzz/seeds/$t")
  mkdir -p "fuzz/artifacts/$t"
  log=fuzz/artifacts/$t/last-run.log
  marker=$(mktemp)
  echo "fuzzing $t for ${secs}s (corpus: ${corpus[*]})…" >&2
  set +e
  nice -n 19 "$CARGO_TARGET_DIR/debug/$t" "${corpus[@]}" -artifact_prefix="fuzz/artifacts/$t/" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=262144 \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$( { grep -o 'stat::number_of_executed_units: [0-9]*' "$log" || true; } | awk '{s+=$2} END {print s+0}')
  took=$( { grep -o 'Done [0-9]* runs in [0-9]* second' "$log" || true; } | awk '{s+=$5} END {print s+0}')
  repro=$(find "fuzz/artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) -newer "$marker" | sed -n 1p)
  rm -f "$marker"
  if [ -n "$repro" ] || [ $rc -ne 0 ]; then
    crashed=1
    summary+=("$(printf '%-24s %10s runs %5s s  CRASH  %s' "$t" "$execs" "$took" "${repro:-exit $rc, see $log}")")
    grep -m1 -E 'panicked at|ERROR: libFuzzer' "$log" >&2 || true
  else
    summary+=("$(printf '%-24s %10s runs %5s s  no crash' "$t" "$execs" "$took")")
  fi
done

echo
printf '%s\n' "${summary[@]}"
exit $crashed
