"""What deltalake (delta-rs, the reference Delta reader) says about a Delta table, as JSON on stdout.

Used by tests/it/delta_truth.rs to check Lakescope's numbers. Commands:

  summary PATH              current version, add actions, partitions, every version's totals and
                            history rows (each version loaded as DeltaTable(PATH, version=v))
  rows PATH                 how many rows deltalake reads from the table's data files
  vacuum PATH               what VACUUM FULL (dry run, the table's own retention) would delete now
  vacuum-split PATH         VACUUM FULL's dry run split into files some version added (VACUUM's removed
                            files) and untracked ones no version mentions (Lakescope's orphan finding)
  breakdown PATH            the storage breakdown (live / old_version / orphan / metadata / reclaimable
                            bytes) with the seconds deltalake took (`lakescope bench size`)
  vacuum-now PATH           run VACUUM FULL with zero retention (writes VACUUM START/END commits)
  write-mixed DIR           a partitioned table written by deltalake: appends, overwrite, delete with a
                            predicate, checkpoints every 3 versions, young and old tombstones and orphans
  write-escapes DIR         partition values that need escaping in paths (space, colon, percent, NULL)
  write-cleanup DIR         a table whose old commits were removed by log cleanup
"""

import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake


def add_actions(dt):
    t = pa.table(dt.get_add_actions(flatten=True))
    rows = t.to_pylist()
    part_cols = [c for c in t.column_names if c.startswith("partition.")]
    files = len(rows)
    size = sum(r["size_bytes"] for r in rows)
    if any(r["num_records"] is None for r in rows):
        records = None
    else:
        records = sum(r["num_records"] for r in rows)
    return rows, part_cols, {"files": files, "bytes": size, "records": records}


def text(v):
    return None if v is None else str(v)


def summary(path):
    dt = DeltaTable(path)
    current = dt.version()
    rows, part_cols, totals = add_actions(dt)
    partitions = {}
    for r in rows:
        key = json.dumps({c[len("partition."):]: text(r[c]) for c in part_cols}, sort_keys=True)
        p = partitions.setdefault(key, {"values": json.loads(key), "files": 0, "bytes": 0, "records": 0})
        p["files"] += 1
        p["bytes"] += r["size_bytes"]
        p["records"] = None if p["records"] is None or r["num_records"] is None else p["records"] + r["num_records"]
    history = sorted(
        ({"version": h["version"], "timestamp_ms": h["timestamp"], "operation": h.get("operation")} for h in dt.history()),
        key=lambda h: h["version"],
    )
    versions = []
    for h in history:
        _, _, t = add_actions(DeltaTable(path, version=h["version"]))
        versions.append({"version": h["version"], **t})
    meta = dt.metadata()
    out = {
        "version": current,
        "timestamp_ms": next(h["timestamp_ms"] for h in history if h["version"] == current),
        "current": totals,
        "partitions": sorted(partitions.values(), key=lambda p: json.dumps(p["values"], sort_keys=True)),
        "partition_columns": list(meta.partition_columns),
        "description": meta.description,
        "configuration": dict(meta.configuration),
        "history": history,
        "versions": versions,
    }
    return out


def vacuum(path):
    dt = DeltaTable(path)
    now_ms = int(time.time() * 1000)
    files = dt.vacuum(retention_hours=None, dry_run=True, enforce_retention_duration=False, full=True)
    sized = sorted(({"path": f, "size": os.path.getsize(os.path.join(path, f))} for f in files), key=lambda f: f["path"])
    return {"now_ms": now_ms, "files": sized, "bytes": sum(f["size"] for f in sized)}


def vacuum_split(path):
    """VACUUM FULL's dry run, split into the files some version of the log added (removed since) and the
    untracked ones no version mentions: every version deltalake can load, by time travel."""
    dt = DeltaTable(path)
    now_ms = int(time.time() * 1000)
    full = set(dt.vacuum(retention_hours=None, dry_run=True, enforce_retention_duration=False, full=True))
    tracked = set()
    for h in dt.history():
        tracked |= {r["path"] for r in pa.table(DeltaTable(path, version=h["version"]).get_add_actions()).to_pylist()}
    sized = lambda files: sorted(({"path": f, "size": os.path.getsize(os.path.join(path, f))} for f in files),
                                 key=lambda f: f["path"])
    untracked = sized(full - tracked)
    return {"now_ms": now_ms, "full": sized(full), "untracked": untracked,
            "untracked_bytes": sum(f["size"] for f in untracked),
            "removed_bytes": sum(f["size"] for f in sized(full & tracked))}


def breakdown(path):
    """The storage breakdown as deltalake tells it, timed (imports excluded): metadata under _delta_log/,
    live = the current add actions, old_version = files some other version adds (every version loaded by
    time travel, as `vacuum-split` does), orphan = the rest of the listing; reclaimable = `vacuum`'s
    VACUUM FULL dry run (as of its `now_ms`)."""
    t0 = time.perf_counter()
    dt = DeltaTable(path)
    live = {r["path"] for r in pa.table(dt.get_add_actions()).to_pylist()}
    tracked = set()
    for h in dt.history():
        tracked |= {r["path"] for r in pa.table(DeltaTable(path, version=h["version"]).get_add_actions()).to_pylist()}
    out = {"total_bytes": 0, "total_files": 0, "live_bytes": 0, "old_version_bytes": 0, "orphan_bytes": 0,
           "metadata_bytes": 0}
    for d, _dirs, names in os.walk(path):
        for n in names:
            full = os.path.join(d, n)
            rel = os.path.relpath(full, path)
            size = os.path.getsize(full)
            out["total_bytes"] += size
            out["total_files"] += 1
            role = ("metadata" if rel.startswith("_delta_log" + os.sep) else "live" if rel in live
                    else "old_version" if rel in tracked else "orphan")
            out[role + "_bytes"] += size
    v = vacuum(path)
    out.update(reclaimable_bytes=v["bytes"], now_ms=v["now_ms"], seconds=time.perf_counter() - t0, tool="deltalake")
    return out


def batch(start, n, day):
    return pa.table({
        "id": pa.array(range(start, start + n), pa.int64()),
        "amount": pa.array([i * 1.5 for i in range(n)], pa.float64()),
        "day": pa.array([day] * n, pa.string()),
    })


def orphan(path, rel, mtime):
    full = os.path.join(path, rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    pq.write_table(batch(10_000, 7, "x"), full)
    os.utime(full, (mtime, mtime))


def write_mixed(path):
    # Retention of a few seconds so tombstones and orphans fall on both sides of the cut-off.
    config = {"delta.checkpointInterval": "3", "delta.deletedFileRetentionDuration": "interval 10 seconds"}
    write_deltalake(path, batch(0, 40, "2026-01-01"), partition_by=["day"], configuration=config,
                    description="written by deltalake for the truth tests")
    for i in range(1, 6):
        write_deltalake(path, batch(i * 100, 30 + i, f"2026-01-0{i + 1}"), mode="append", partition_by=["day"])
    write_deltalake(path, batch(1000, 25, "2026-01-03"), mode="overwrite", partition_by=["day"],
                    predicate="day = '2026-01-03'")
    DeltaTable(path).delete("id % 5 = 0")          # old tombstones (older than the retention at check time)
    old_delete = DeltaTable(path).version()
    time.sleep(12)
    write_deltalake(path, batch(2000, 12, "2026-02-01"), mode="append", partition_by=["day"])
    DeltaTable(path).delete("day = '2026-01-02'")   # young tombstones
    young_delete = DeltaTable(path).version()
    now = time.time()
    orphan(path, "day=2026-01-01/orphan-old.parquet", now - 10 * 86400)
    orphan(path, "orphan-young.parquet", now + 3600)
    orphan(path, "_tmp/hidden-old.parquet", now - 10 * 86400)
    orphan(path, "day=2026-01-01/.orphan-old.parquet.crc", now - 10 * 86400)
    out = {
        "path": path,
        "version": DeltaTable(path).version(),
        "old_tombstones": removed_by(path, old_delete),
        "young_tombstones": removed_by(path, young_delete),
    }
    # VACUUM's dry run in this process, seconds after the young delete: a second process (another Python
    # start under a loaded CI run) could come after the young tombstones' retention ran out.
    out["vacuum"] = vacuum(path)
    return out


def removed_by(path, version):
    """The files version `version` removed, as deltalake's time travel tells."""
    paths = lambda v: {r["path"] for r in pa.table(DeltaTable(path, version=v).get_add_actions()).to_pylist()}
    return sorted(paths(version - 1) - paths(version))


def write_escapes(path):
    values = ["a b", "x:y", "100%", "ü/ß", None, "a b"]
    t = pa.table({"id": pa.array(range(len(values)), pa.int64()), "tag": pa.array(values, pa.string())})
    write_deltalake(path, t, partition_by=["tag"])
    write_deltalake(path, t.slice(0, 3), mode="append", partition_by=["tag"])
    return {"path": path, "version": DeltaTable(path).version()}


def write_cleanup(path):
    config = {"delta.checkpointInterval": "4", "delta.logRetentionDuration": "interval 0 seconds"}
    write_deltalake(path, batch(0, 10, "a"), configuration=config)
    for i in range(1, 11):
        write_deltalake(path, batch(i * 100, 10 + i, "a"), mode="append")
        if i == 6:
            DeltaTable(path).delete("id % 3 = 0")
    dt = DeltaTable(path)
    dt.cleanup_metadata()
    return {"path": path, "version": DeltaTable(path).version(), "log": sorted(os.listdir(os.path.join(path, "_delta_log")))}


def main(argv):
    cmd, path = argv[1], argv[2]
    if cmd == "summary":
        out = summary(path)
    elif cmd == "rows":
        out = {"rows": DeltaTable(path).to_pyarrow_table().num_rows}
    elif cmd == "vacuum":
        out = vacuum(path)
    elif cmd == "breakdown":
        out = breakdown(path)
    elif cmd == "vacuum-split":
        out = vacuum_split(path)
    elif cmd == "vacuum-now":
        dt = DeltaTable(path)
        deleted = dt.vacuum(retention_hours=0, dry_run=False, enforce_retention_duration=False, full=True)
        out = {"deleted": sorted(deleted), "version": DeltaTable(path).version()}
    elif cmd == "write-mixed":
        out = write_mixed(path)
    elif cmd == "write-escapes":
        out = write_escapes(path)
    elif cmd == "write-cleanup":
        out = write_cleanup(path)
    else:
        raise SystemExit(f"unknown command {cmd}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
    # deltalake 1.6's native threads sometimes abort the interpreter's teardown ("terminate called
    # without an active exception", SIGABRT) after the answer is printed; leave without that teardown.
    sys.stdout.flush()
    os._exit(0)
