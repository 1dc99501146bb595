"""Reference side of the Iceberg truth tests: what pyiceberg itself says about a table.

  iceberg_truth.py table   <catalog uri> <warehouse> <catalog name> <namespace.table> [--scan]
  iceberg_truth.py reclaim <catalog uri> <warehouse> <catalog name> <namespace.table> <as-of RFC 3339>
  iceberg_truth.py breakdown <catalog uri> <warehouse> <catalog name> <namespace.table> <as-of RFC 3339>
  iceberg_truth.py write   <dir>
  iceberg_truth.py props   <catalog uri> <warehouse> <catalog name> <namespace.table> key=value…

`table` prints the current snapshot (id, time), live data files from `inspect.files()` (records, files,
bytes, per partition of each file's own spec), every snapshot with its summary totals and the totals
pyiceberg's manifest reader finds, and with --scan the row count of a full pyiceberg scan.

`reclaim` prints what expire_snapshots + remove_orphan_files would delete at the given time: pyiceberg's
ExpireSnapshots (`older_than(as_of - history.expire.max-snapshot-age-ms)`, branch and tag heads
protected) staged in a transaction that is never committed — nothing is written — then files reachable
(manifest lists, manifests, live entries' files, statistics) before but not after, plus files under
data/ or metadata/ (no hidden component) that nothing references and that are older than as-of - 3 days
(listed one by one as `orphans`: what remove_orphan_files would delete).

`breakdown` prints the whole storage breakdown (live / old_version / orphan / metadata bytes of the table's
listing, and `reclaim`'s reclaimable bytes) with the seconds pyiceberg took (`lakescope bench size`).

`write` builds a table with pyiceberg itself (appends, a tag, a filtered overwrite, a row delete, partition
spec evolution, schema evolution) in a SQL catalog under <dir> and prints where it is. `props` sets table
properties through pyiceberg.

Output: one JSON document on stdout.
"""
import datetime as dt
import json
import os
import sys

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.manifest import DataFileContent, ManifestEntryStatus

ORPHAN_MIN_AGE_MS = 3 * 86_400_000
DEFAULT_MAX_SNAPSHOT_AGE_MS = 5 * 86_400_000


def load(uri, warehouse, name, ident):
    return SqlCatalog(name, uri=uri, warehouse=warehouse).load_table(ident)


def text(v):
    if v is None:
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


class Manifests:
    """Each manifest read once (pyiceberg's reader), entries kept as small tuples."""

    def __init__(self, io):
        self.io = io
        self.cache = {}

    def entries(self, manifest):
        if manifest.manifest_path not in self.cache:
            self.cache[manifest.manifest_path] = [
                (e.status, e.snapshot_id, e.data_file.content, e.data_file.file_path,
                 e.data_file.record_count, e.data_file.file_size_in_bytes)
                for e in manifest.fetch_manifest_entry(self.io, discard_deleted=False)
            ]
        return self.cache[manifest.manifest_path]


def snapshot_totals(tbl, snap, cache):
    totals = {"records": 0, "data_files": 0, "data_bytes": 0}
    changes = {"added_files": 0, "removed_files": 0, "added_bytes": 0, "removed_bytes": 0}
    for m in snap.manifests(tbl.io):
        for status, sid, content, _path, records, size in cache.entries(m):
            if status != ManifestEntryStatus.DELETED and content == DataFileContent.DATA:
                totals["records"] += records
                totals["data_files"] += 1
                totals["data_bytes"] += size
            if sid == snap.snapshot_id and status == ManifestEntryStatus.ADDED:
                changes["added_files"] += 1
                changes["added_bytes"] += size
            if sid == snap.snapshot_id and status == ManifestEntryStatus.DELETED:
                changes["removed_files"] += 1
                changes["removed_bytes"] += size
    return totals, changes


def table_doc(tbl, scan):
    md = tbl.metadata
    cur = tbl.current_snapshot()
    files = tbl.inspect.files().to_pylist() if cur else []
    data = [f for f in files if f["content"] == 0]
    specs = md.specs()
    parts = {}
    for f in data:
        names = [pf.name for pf in specs[f["spec_id"]].fields]
        key = tuple((n, text(f["partition"].get(n))) for n in names)
        p = parts.setdefault(key, {"records": 0, "data_files": 0, "data_bytes": 0})
        p["records"] += f["record_count"]
        p["data_files"] += 1
        p["data_bytes"] += f["file_size_in_bytes"]
    cache = Manifests(tbl.io)
    history = []
    for snap in sorted(md.snapshots, key=lambda s: (s.sequence_number or 0, s.timestamp_ms, s.snapshot_id)):
        s = snap.summary
        totals, changes = snapshot_totals(tbl, snap, cache)
        summary = {k: int(s[k]) for k in ("total-records", "total-data-files", "total-files-size", "total-delete-files",
                                          "added-data-files", "deleted-data-files", "added-files-size",
                                          "removed-files-size") if s is not None and k in s.additional_properties}
        history.append({
            "version_id": str(snap.snapshot_id),
            "timestamp_ms": snap.timestamp_ms,
            "operation": s.operation.value if s is not None else None,
            "summary": summary,
            "manifests": totals,
            "changes": changes,
        })
    doc = {
        "current": {
            "version_id": str(cur.snapshot_id) if cur else None,
            "timestamp_ms": cur.timestamp_ms if cur else None,
            "records": sum(f["record_count"] for f in data),
            "data_files": len(data),
            "data_bytes": sum(f["file_size_in_bytes"] for f in data),
        },
        "partition_columns": [f.name for f in tbl.spec().fields],
        # An unpartitioned table has no partition rows (one tuple with no fields).
        "partitions": [] if all(not k for k in parts) else
        [{"values": dict(k), **v} for k, v in sorted(parts.items(), key=lambda kv: str(kv[0]))],
        "schema": [{"name": f.name, "type": str(f.field_type), "nullable": not f.required, "comment": f.doc}
                   for f in tbl.schema().fields],
        "properties": dict(md.properties),
        "history": history,
        "versions": len(md.snapshots),
    }
    if scan:
        doc["scan_rows"] = sum(b.num_rows for b in tbl.scan().to_arrow_batch_reader())
    return doc


def local(path):
    for prefix in ("file://", "file:"):
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


def reachable(tbl, md, cache):
    out = set()
    stats = {}
    for s in list(md.statistics) + list(md.partition_statistics):
        stats.setdefault(s.snapshot_id, []).append(s.statistics_path)
    for snap in md.snapshots:
        out.add(local(snap.manifest_list))
        out.update(local(p) for p in stats.get(snap.snapshot_id, []))
        for m in snap.manifests(tbl.io):
            out.add(local(m.manifest_path))
            for status, _sid, _content, path, _r, _s in cache.entries(m):
                if status != ManifestEntryStatus.DELETED:
                    out.add(local(path))
    return out


def reclaim_doc(tbl, as_of, cache=None):
    from pyiceberg.table.update.snapshot import ExpireSnapshots

    md = tbl.metadata
    as_of_ms = int(dt.datetime.fromisoformat(as_of.replace("Z", "+00:00")).timestamp() * 1000)
    props = md.properties
    if props.get("gc.enabled", "true").lower() == "false":
        return {"reclaimable_bytes": 0, "gc_enabled": False}
    if int(props.get("history.expire.min-snapshots-to-keep", "1")) != 1:
        raise SystemExit("pyiceberg's ExpireSnapshots has no min-snapshots-to-keep: cannot serve as reference")
    max_age = int(props.get("history.expire.max-snapshot-age-ms", DEFAULT_MAX_SNAPSHOT_AGE_MS))
    cutoff = dt.datetime.fromtimestamp((as_of_ms - max_age) / 1000, tz=dt.timezone.utc)

    tx = tbl.transaction()  # never committed: the table is not touched
    ExpireSnapshots(tx).older_than(cutoff).commit()
    after_md = tx.table_metadata

    cache = cache or Manifests(tbl.io)
    now = reachable(tbl, md, cache)
    after = reachable(tbl, after_md, cache)
    expired = {p for p in now - after if os.path.isfile(p)}

    root = local(md.location)
    referenced = now | {local(tbl.metadata_location)} | {local(e.metadata_file) for e in md.metadata_log}
    referenced.add(os.path.join(root, "metadata", "version-hint.text"))
    orphans = set()
    for d, _dirs, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            parts = rel.split(os.sep)
            if parts[0] not in ("data", "metadata") or any(c.startswith((".", "_")) for c in parts):
                continue
            if p in referenced:
                continue
            if os.stat(p).st_mtime_ns // 1_000_000 < as_of_ms - ORPHAN_MIN_AGE_MS:
                orphans.add(p)
    files = expired | orphans
    return {
        "reclaimable_bytes": sum(os.path.getsize(p) for p in files),
        "expired_snapshots": len(md.snapshots) - len(after_md.snapshots),
        "retained_snapshots": len(after_md.snapshots),
        "expired_files": len(expired),
        "orphan_files": len(orphans),
        "expired_bytes": sum(os.path.getsize(p) for p in expired),
        # remove_orphan_files' own list: relative to the table root, with sizes.
        "orphans": sorted(({"path": os.path.relpath(p, root), "size": os.path.getsize(p)} for p in orphans),
                          key=lambda f: f["path"]),
        "gc_enabled": True,
    }


def breakdown_doc(tbl, as_of):
    """The storage breakdown from pyiceberg's own manifest reader, timed (imports excluded): every listed
    file is live (current snapshot's ADDED/EXISTING entries), old_version (another snapshot's), metadata
    (metadata files in the log, version-hint, manifest lists, manifests, statistics) or orphan; reclaimable
    is `reclaim`'s expiry + orphan removal, on the same manifest cache."""
    import time
    t0 = time.perf_counter()
    md = tbl.metadata
    cache = Manifests(tbl.io)
    cur = tbl.current_snapshot()
    live = set()
    if cur:
        for m in cur.manifests(tbl.io):
            live.update(local(p) for status, _s, _c, p, _r, _z in cache.entries(m) if status != ManifestEntryStatus.DELETED)
    reach = reachable(tbl, md, cache)
    data = set()
    for snap in md.snapshots:
        for m in snap.manifests(tbl.io):
            data.update(local(p) for status, _s, _c, p, _r, _z in cache.entries(m) if status != ManifestEntryStatus.DELETED)
    root = local(md.location)
    meta = (reach - data) | {local(tbl.metadata_location), os.path.join(root, "metadata", "version-hint.text")}
    meta |= {local(e.metadata_file) for e in md.metadata_log}
    out = {"total_bytes": 0, "total_files": 0, "live_bytes": 0, "old_version_bytes": 0, "orphan_bytes": 0,
           "metadata_bytes": 0}
    for d, _dirs, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            size = os.path.getsize(p)
            out["total_bytes"] += size
            out["total_files"] += 1
            role = "live" if p in live else "old_version" if p in data else "metadata" if p in meta else "orphan"
            out[role + "_bytes"] += size
    out["reclaimable_bytes"] = reclaim_doc(tbl, as_of, cache)["reclaimable_bytes"]
    out["seconds"] = time.perf_counter() - t0
    out["tool"] = "pyiceberg"
    return out


def write_doc(base):
    import pyarrow as pa
    from pyiceberg.expressions import EqualTo, LessThan
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import DateType, DoubleType, LongType, NestedField, StringType

    uri = f"sqlite:///{base}/catalog.db"
    warehouse = f"file://{base}/warehouse"
    cat = SqlCatalog("lab", uri=uri, warehouse=warehouse)
    cat.create_namespace("lab")
    schema = Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "region", StringType(), required=False),
        NestedField(3, "amount", DoubleType(), required=False, doc="order amount in EUR"),
        NestedField(4, "day", DateType(), required=False),
    )
    spec = PartitionSpec(PartitionField(source_id=4, field_id=1000, transform=IdentityTransform(), name="day"))
    tbl = cat.create_table("lab.events", schema=schema, partition_spec=spec,
                           properties={"owner": "lab-team", "comment": "written by pyiceberg"})
    arrow_schema = tbl.schema().as_arrow()

    def rows(day, start, n, regions=("EU", "US")):
        return pa.Table.from_pylist(
            [{"id": start + i, "region": regions[i % len(regions)], "amount": float(i) * 1.5,
              "day": dt.date(2026, 3, day)} for i in range(n)],
            schema=arrow_schema)

    tbl.append(rows(1, 0, 40))
    # A tag on the first snapshot: expiry must keep it (and the files it reaches).
    tbl.manage_snapshots().create_tag(tbl.current_snapshot().snapshot_id, "first-load").commit()
    tbl.append(rows(2, 100, 30))
    tbl.append(rows(3, 200, 20))
    # A filtered overwrite: pyiceberg writes a delete snapshot, then an append snapshot.
    tbl.overwrite(rows(2, 300, 25), overwrite_filter=EqualTo("day", "2026-03-02"))
    # A row delete that rewrites part of a file: copy-on-write, recorded as `overwrite`.
    tbl.delete(delete_filter=LessThan("id", 10))
    with tbl.update_spec() as u:
        u.add_identity("region")
    arrow_schema = tbl.schema().as_arrow()
    tbl.append(rows(4, 400, 16))
    with tbl.update_schema() as u:
        u.add_column("note", StringType())
    arrow_schema = tbl.schema().as_arrow()
    tbl.append(pa.Table.from_pylist(
        [{"id": 500 + i, "region": "EU", "amount": 1.0, "day": dt.date(2026, 3, 5), "note": f"n{i}"} for i in range(12)],
        schema=arrow_schema))
    tbl = cat.load_table("lab.events")
    return {"uri": uri, "warehouse": warehouse, "catalog": "lab", "ident": "lab.events",
            "location": tbl.metadata.location, "metadata_location": tbl.metadata_location,
            "snapshots": len(tbl.metadata.snapshots)}


def main():
    cmd = sys.argv[1]
    if cmd == "table":
        tbl = load(*sys.argv[2:6])
        doc = table_doc(tbl, "--scan" in sys.argv[6:])
    elif cmd == "reclaim":
        tbl = load(*sys.argv[2:6])
        doc = reclaim_doc(tbl, sys.argv[6])
    elif cmd == "breakdown":
        tbl = load(*sys.argv[2:6])
        doc = breakdown_doc(tbl, sys.argv[6])
    elif cmd == "write":
        doc = write_doc(sys.argv[2])
    elif cmd == "props":
        tbl = load(*sys.argv[2:6])
        with tbl.transaction() as tx:
            tx.set_properties(dict(kv.split("=", 1) for kv in sys.argv[6:]))
        doc = dict(load(*sys.argv[2:6]).metadata.properties)
    else:
        raise SystemExit(f"unknown command {cmd!r}")
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
