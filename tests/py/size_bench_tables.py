"""Writes the tables `lakescope bench size` breaks down: an Iceberg table (pyiceberg, SQL catalog) and a
Delta table (deltalake) of the same shape — many small data files over many snapshots, some of them
removed by later deletes (old-version bytes), plus orphan files on both sides of the removal cut-offs.

  size_bench_tables.py <dir> <files> <snapshots>

Every snapshot appends `files / snapshots` files (one per partition); every 10th snapshot instead
deletes one earlier partition whole (files leave the current version but stay in history). Writing is
slow (each commit rewrites its metadata) and happens once: a finished directory holds `tables.json`
and is reused as long as files and snapshots match.

Output (stdout, and `<dir>/tables.json`): where the tables are and the as-of the bench uses for Iceberg
(half the snapshots older than `history.expire.max-snapshot-age-ms`).
"""
import datetime as dt
import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

MAX_SNAPSHOT_AGE_MS = 3_600_000
DAY_S = 86_400


def batch(start, parts, per_part):
    n = parts * per_part
    return pa.table({
        "id": pa.array(range(start, start + n), pa.int64()),
        "amount": pa.array([i * 0.5 for i in range(n)], pa.float64()),
        "part": pa.array([start // per_part + i // per_part for i in range(n)], pa.int64()),
    })


def orphans(root, subdir, now):
    """Stray files: two old enough for any orphan removal, one written 'in the future' (too young)."""
    for name, mtime in (("orphan-old-1.parquet", now - 10 * DAY_S), ("orphan-old-2.parquet", now - 9 * DAY_S),
                        ("orphan-young.parquet", now + 3600)):
        p = os.path.join(root, subdir, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        pq.write_table(batch(10_000_000, 1, 5), p)
        os.utime(p, (mtime, mtime))


def plan(files, snapshots):
    per = max(1, files // snapshots)
    return per, [("delete" if s % 10 == 9 else "append") for s in range(snapshots)]


def write_iceberg(base, files, snapshots):
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.expressions import EqualTo
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import DoubleType, LongType, NestedField

    os.makedirs(base, exist_ok=True)
    uri = f"sqlite:///{base}/catalog.db"
    warehouse = f"file://{base}/warehouse"
    cat = SqlCatalog("bench", uri=uri, warehouse=warehouse)
    cat.create_namespace("bench")
    schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "amount", DoubleType(), required=False),
                    NestedField(3, "part", LongType(), required=False))
    spec = PartitionSpec(PartitionField(source_id=3, field_id=1000, transform=IdentityTransform(), name="part"))
    tbl = cat.create_table("bench.files", schema=schema, partition_spec=spec,
                           properties={"history.expire.max-snapshot-age-ms": str(MAX_SNAPSHOT_AGE_MS)})
    arrow_schema = tbl.schema().as_arrow()
    per, steps = plan(files, snapshots)
    row, deleted = 0, 0
    times = []
    for step in steps:
        if step == "append":
            tbl.append(batch(row, per, 3).cast(arrow_schema))
            row += per * 3
        else:
            tbl.delete(delete_filter=EqualTo("part", deleted))
            deleted += 1
        times.append(tbl.current_snapshot().timestamp_ms)
    tbl = cat.load_table("bench.files")
    root = tbl.metadata.location.removeprefix("file://")
    orphans(root, "data", time.time())
    # Half the snapshots are older than the max snapshot age at this as-of: expiry has work to do.
    as_of_ms = times[len(times) // 2] + MAX_SNAPSHOT_AGE_MS
    return {"uri": uri, "warehouse": warehouse, "catalog": "bench", "ident": "bench.files",
            "metadata_location": tbl.metadata_location, "location": tbl.metadata.location,
            "snapshots": len(tbl.metadata.snapshots),
            "as_of": dt.datetime.fromtimestamp(as_of_ms / 1000, tz=dt.timezone.utc).isoformat()}


def write_delta(path, files, snapshots):
    from deltalake import DeltaTable, write_deltalake

    # Zero retention: every tombstone is due at the bench's as-of (VACUUM's own now), orphans decide by mtime.
    config = {"delta.deletedFileRetentionDuration": "interval 0 seconds"}
    per, steps = plan(files, snapshots)
    row, deleted = 0, 0
    for i, step in enumerate(steps):
        if step == "append":
            write_deltalake(path, batch(row, per, 3), mode="append", partition_by=["part"],
                            configuration=config if i == 0 else None)
            row += per * 3
        else:
            DeltaTable(path).delete(f"part = {deleted}")
            deleted += 1
    orphans(path, "part=0", time.time())
    return {"path": path, "version": DeltaTable(path).version()}


def main(argv):
    # Absolute: the catalog and the metadata keep these paths, and readers in other folders open them.
    base, files, snapshots = os.path.abspath(argv[1]), int(argv[2]), int(argv[3])
    done = os.path.join(base, "tables.json")
    if os.path.exists(done):
        doc = json.load(open(done))
        if doc["files"] == files and doc["snapshots"] == snapshots:
            print(json.dumps(doc))
            return
    if os.path.exists(base):
        import shutil
        shutil.rmtree(base)
    t0 = time.perf_counter()
    doc = {"files": files, "snapshots": snapshots,
           "iceberg": write_iceberg(os.path.join(base, "iceberg"), files, snapshots),
           "delta": write_delta(os.path.join(base, "delta"), files, snapshots)}
    doc["generate_seconds"] = time.perf_counter() - t0
    with open(done + ".tmp", "w") as f:
        json.dump(doc, f)
    os.replace(done + ".tmp", done)
    print(json.dumps(doc))


if __name__ == "__main__":
    main(sys.argv)
    # deltalake's native threads may abort the interpreter's teardown after the answer is printed.
    sys.stdout.flush()
    os._exit(0)
