#!/usr/bin/env bash
# Make the broken-input corpus from real inputs: the repository's real Spark event logs (written by
# PySpark) and small tables of the demo lakehouse (written by the Iceberg and Delta Rust libraries and
# parquet). Each case is one fault injected into a copy; tests/corpus/expected.toml says what Lakescope
# must answer for it and tests/it/corpus.rs checks that. Generated, not committed: the faults stay
# readable here and the inputs stay the real writers' output.
#
#   tests/corpus/make.sh DEMO_DIR OUT_DIR     DEMO_DIR: a built demo (`lakescope demo --dir DEMO_DIR`)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
demo="$(cd "$1" && pwd)"
out="$2"
rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Cut a file to `percent` of its length (mid-frame for compressed logs, mid-line for JSON).
cut_to() { local f="$1" percent="$2"; truncate -s $(( $(stat -c %s "$f") * percent / 100 )) "$f"; }

# --- Spark event logs: truncated in each compressed codec, and a codec its suffix does not name ---------
codecs="$root/assets/spark/logs/codecs"
mkdir -p "$out/spark"
for codec in zstd lz4 snappy; do
  cp "$codecs"/app-*."$codec" "$out/spark/truncated.$codec"
  cut_to "$out/spark/truncated.$codec" 50
done
cp "$codecs"/app-*.zstd "$out/spark/zstd-named.lz4"
cp "$codecs"/app-*.lz4 "$out/spark/unreadable.lz4"
chmod 000 "$out/spark/unreadable.lz4"
# An executor metric of 10^30 bytes (more than any integer type Spark writes) in the uncompressed log.
plain="$(ls "$codecs"/app-* | grep -v '\.' )"
sed -E '0,/"JVMHeapMemory":[1-9][0-9]*/s//"JVMHeapMemory":1000000000000000000000000000000/' "$plain" > "$out/spark/huge-metric"
cmp -s "$plain" "$out/spark/huge-metric" && { echo "no JVMHeapMemory to enlarge in $plain" >&2; exit 1; }

# --- Delta: a commit cut mid-line, a missing checkpoint, a missing commit, a 10^30-byte file, no read ---
delta_src="$demo/delta/usr_jdoe/usr_jdoe_ab_test"
log=_delta_log
last=00000000000000000025.json
for case in delta-cut-commit delta-missing-checkpoint delta-missing-commit delta-huge-size delta-unreadable; do
  cp -r "$delta_src" "$out/$case"
done
[ -f "$out/delta-cut-commit/$log/$last" ] || { echo "the demo's usr_jdoe_ab_test has no commit $last" >&2; exit 1; }
cut_to "$out/delta-cut-commit/$log/$last" 60
rm "$out/delta-missing-checkpoint/$log/00000000000000000020.checkpoint.parquet"
rm "$out/delta-missing-commit/$log/00000000000000000023.json"
sed -i -E 's/"size":[0-9]+/"size":1000000000000000000000000000000/' "$out/delta-huge-size/$log/$last"
chmod 000 "$out/delta-unreadable/$log/$last"

# --- Iceberg: metadata.json that is not JSON, and one whose manifest list is missing ---------------------
ice_src="$demo/warehouse/usr_jdoe.db/usr_jdoe_churn_features"
meta="$(ls "$ice_src"/metadata/*.metadata.json | sort | tail -1)"
mkdir -p "$out/iceberg-invalid-json/metadata" "$out/iceberg-missing-manifest-list/metadata"
cp "$meta" "$out/iceberg-invalid-json/metadata/00099-invalid.metadata.json"
cut_to "$out/iceberg-invalid-json/metadata/00099-invalid.metadata.json" 50
# The table's metadata moved here without its manifest lists: the current snapshot names a missing file.
# (The table's own "location" is replaced, not $ice_src: a demo directory copied from elsewhere keeps
# the paths it was written with.)
location="$(grep -o '"location" *: *"[^"]*"' "$meta" | head -1 | sed -E 's/.*: *"//; s/"$//')"
[ -n "$location" ] || { echo "no location in $meta" >&2; exit 1; }
sed "s#$location#file://$out/iceberg-missing-manifest-list#g" "$meta" \
  > "$out/iceberg-missing-manifest-list/metadata/00099-moved.metadata.json"

# --- Parquet: a Hive-style table with one file whose footer is cut off -----------------------------------
cp -r "$demo/hive/usr_jdoe.db/usr_jdoe_export" "$out/parquet-cut-footer"
victim="$(find "$out/parquet-cut-footer" -name '*.parquet' | sort | head -1)"
mv "$victim" "$(dirname "$victim")/cut-footer.parquet"
cut_to "$(dirname "$victim")/cut-footer.parquet" 70

# --- A sources file that is not TOML ----------------------------------------------------------------------
printf '[[source]]\nname = "lake"\nkind = "delta\n' > "$out/sources-invalid.toml"

echo "$out"
