"""Reference side of the time-travel tests (tests/it/versions.rs): what pyiceberg and deltalake say each
version added and removed, and what lies between two versions.

  versions_truth.py write <dir>       an Iceberg table written by pyiceberg (iceberg_truth.py's `write`:
                                      appends, filtered overwrite, row delete, spec and schema evolution)
                                      and a Delta table written by deltalake (appends, predicate overwrite,
                                      delete, a merged new column); prints where they are
  versions_truth.py truth <req.json>  for each table in the request, per asked version: data files added and
                                      removed relative to the parent, and per asked pair: the files only
                                      one side has, and each side's columns

Iceberg per-version figures come from pyiceberg's `inspect.entries(snapshot_id)` (entries of that
snapshot's own id with status ADDED/DELETED), a diff from `inspect.data_files(snapshot_id)` at both
snapshots. Delta figures come from `DeltaTable(path, version=v).get_add_actions()` at v and v-1 (a set
difference by path), a diff from the add actions at both versions. Output: one JSON document on stdout.
"""
import json
import os
import sys

import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def change(files):
    rows = [f["rows"] for f in files]
    return {"files": len(files), "bytes": sum(f["bytes"] for f in files),
            "rows": None if any(r is None for r in rows) else sum(rows)}


def set_diff(a, b):
    """Files (dicts with path/bytes/rows) in b not in a, and in a not in b, sorted by path."""
    pa_, pb = {f["path"]: f for f in a}, {f["path"]: f for f in b}
    added = [pb[p] for p in sorted(pb.keys() - pa_.keys())]
    removed = [pa_[p] for p in sorted(pa_.keys() - pb.keys())]
    return {"added_files": added, "removed_files": removed, "added": change(added), "removed": change(removed)}


# ---- Iceberg -----------------------------------------------------------------------------------------

def iceberg(req):
    from pyiceberg.catalog.sql import SqlCatalog

    tbl = SqlCatalog(req["catalog"], uri=req["uri"], warehouse=req["warehouse"]).load_table(req["ident"])
    md = tbl.metadata

    def data_files(sid):
        t = tbl.inspect.data_files(snapshot_id=sid).select(["file_path", "file_size_in_bytes", "record_count"])
        return [{"path": r["file_path"], "bytes": r["file_size_in_bytes"], "rows": r["record_count"]}
                for r in t.to_pylist()]

    versions = {}
    for sid in (int(s) for s in req["versions"]):
        snap = md.snapshot_by_id(sid)
        ent = tbl.inspect.entries(snapshot_id=sid).to_pylist()
        own = [e for e in ent if e["snapshot_id"] == sid and e["data_file"]["content"] == 0]
        as_file = lambda e: {"path": e["data_file"]["file_path"], "bytes": e["data_file"]["file_size_in_bytes"],
                             "rows": e["data_file"]["record_count"]}
        versions[str(sid)] = {
            "parent_id": None if snap.parent_snapshot_id is None else str(snap.parent_snapshot_id),
            "operation": snap.summary.operation.value,
            "timestamp_ms": snap.timestamp_ms,
            "added": change([as_file(e) for e in own if e["status"] == 1]),
            "removed": change([as_file(e) for e in own if e["status"] == 2]),
        }
    diffs = []
    for a, b in req["diffs"]:
        d = set_diff(data_files(int(a)), data_files(int(b)))
        schemas = {s.schema_id: s for s in md.schemas}
        for side, sid in (("from", a), ("to", b)):
            schema = schemas[md.snapshot_by_id(int(sid)).schema_id]
            d[side] = {"version_id": sid,
                       "columns": [{"name": f.name, "type": str(f.field_type), "nullable": not f.required}
                                   for f in schema.fields]}
        diffs.append(d)
    return {"versions": versions, "diffs": diffs}


# ---- Delta -------------------------------------------------------------------------------------------

def delta(req):
    from deltalake import DeltaTable

    path = req["path"]
    cache = {}

    def adds(v):
        if v not in cache:
            t = pa.table(DeltaTable(path, version=v).get_add_actions(flatten=True))
            cache[v] = [{"path": r["path"], "bytes": r["size_bytes"], "rows": r["num_records"]} for r in t.to_pylist()]
        return cache[v]

    ops = {h["version"]: h for h in DeltaTable(path).history()}
    versions = {}
    for v in (int(x) for x in req["versions"]):
        d = set_diff(adds(v - 1) if v > 0 else [], adds(v))
        versions[str(v)] = {"parent_id": str(v - 1) if v > 0 else None, "operation": ops[v]["operation"],
                            "timestamp_ms": ops[v]["timestamp"], "added": d["added"], "removed": d["removed"]}
    diffs = []
    for a, b in req["diffs"]:
        d = set_diff(adds(int(a)), adds(int(b)))
        for side, v in (("from", a), ("to", b)):
            fields = DeltaTable(path, version=int(v)).schema().fields
            d[side] = {"version_id": v, "columns": [{"name": f.name, "nullable": f.nullable} for f in fields]}
        diffs.append(d)
    return {"versions": versions, "diffs": diffs}


def write_delta(path):
    from deltalake import DeltaTable, write_deltalake

    def batch(start, n, day, extra=False):
        cols = {"id": pa.array(range(start, start + n), pa.int64()),
                "amount": pa.array([float(i) for i in range(n)], pa.float64()),
                "day": pa.array([day] * n, pa.string())}
        if extra:
            cols["channel"] = pa.array(["web"] * n, pa.string())
        return pa.table(cols)

    write_deltalake(path, batch(0, 40, "2026-01-01"), partition_by=["day"])
    write_deltalake(path, batch(100, 30, "2026-01-02"), mode="append", partition_by=["day"])
    write_deltalake(path, batch(200, 20, "2026-01-03"), mode="append", partition_by=["day"])
    write_deltalake(path, batch(300, 25, "2026-01-02"), mode="overwrite", partition_by=["day"],
                    predicate="day = '2026-01-02'")
    DeltaTable(path).delete("id % 4 = 0")
    write_deltalake(path, batch(400, 10, "2026-01-04", extra=True), mode="append", partition_by=["day"],
                    schema_mode="merge")
    return {"path": path, "version": DeltaTable(path).version()}


def main():
    cmd = sys.argv[1]
    if cmd == "write":
        import iceberg_truth

        base = sys.argv[2]
        os.makedirs(os.path.join(base, "ice"), exist_ok=True)
        out = {"iceberg": iceberg_truth.write_doc(os.path.join(base, "ice")),
               "delta": write_delta(os.path.join(base, "delta_lab"))}
    elif cmd == "truth":
        with open(sys.argv[2]) as f:
            req = json.load(f)
        out = {"iceberg": [iceberg(r) for r in req.get("iceberg", [])],
               "delta": [delta(r) for r in req.get("delta", [])]}
    else:
        raise SystemExit(f"unknown command {cmd}")
    json.dump(out, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
    # deltalake's native threads may abort the interpreter's teardown; the document is already out.
    os._exit(0)
