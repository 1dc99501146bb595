"""The reference side of `lakescope sample`: the same files' first rows as pyarrow reads them, with the
table's current files and partition values from deltalake / pyiceberg, rendered to JSON by the rules
`lakescope sample` documents. Prints JSON on stdout.

  sample_truth.py delta PATH SAMPLE_JSON
  sample_truth.py iceberg URI WAREHOUSE CATALOG NS.TABLE SAMPLE_JSON
  sample_truth.py parquet PATH SAMPLE_JSON

SAMPLE_JSON is a file holding `lakescope sample --json` output; only its `files` (which files, how many
rows of each) are taken from it. Everything else is read here.
"""

import datetime
import decimal
import json
import math
import os
import sys
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.parquet as pq


def local(uri):
    return unquote(urlparse(uri).path) if uri.startswith("file:") else uri


def render(v):
    if v is None:
        return None
    if isinstance(v, bool) or isinstance(v, int) or isinstance(v, str):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            return v.astimezone(datetime.timezone.utc).isoformat()
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if isinstance(v, dict):
        return {k: render(x) for k, x in v.items()}
    if isinstance(v, list):
        if v and all(isinstance(x, tuple) and len(x) == 2 for x in v):
            return {str(k): render(x) for k, x in v}
        return [render(x) for x in v]
    raise TypeError(f"no rendering for {type(v)}")


def first_rows(path, n, columns, match, fixed):
    """`columns`: names in table order; `match(field) -> column name or None`; `fixed`: name -> value."""
    pf = pq.ParquetFile(local(path))
    by_name = {}
    for i, field in enumerate(pf.schema_arrow):
        name = match(field)
        if name is not None:
            by_name[name] = field.name
    wanted = sorted(set(by_name.values()))
    t = pf.read(columns=wanted) if wanted else None
    rows = []
    for r in range(min(n, pf.metadata.num_rows)):
        row = []
        for c in columns:
            if c in by_name:
                row.append(render(t.column(by_name[c])[r].as_py()))
            else:
                row.append(render(fixed.get(c)))
        rows.append(row)
    return rows


def delta(path, sample):
    from deltalake import DeltaTable

    dt = DeltaTable(path)
    columns = [f.name for f in dt.schema().fields]
    adds = pa.table(dt.get_add_actions(flatten=True)).to_pylist()
    by_path = {}
    for a in adds:
        full = os.path.join(local(path), unquote(a["path"]))
        by_path[os.path.normpath(full)] = a
    ordered = sorted(by_path)
    rows, missing, partition_cols = [], [], list(dt.metadata().partition_columns)
    for f in sample["files"]:
        p = os.path.normpath(local(f["path"]))
        if p not in by_path:
            missing.append(f["path"])
            continue
        a = by_path[p]
        fixed = {c: a.get(f"partition.{c}") for c in partition_cols}
        rows += first_rows(p, f["rows"], columns, lambda fld: fld.name if fld.name in columns else None, fixed)
    sampled = [os.path.normpath(local(f["path"])) for f in sample["files"]]
    return {
        "version": str(dt.version()),
        "columns": columns,
        "rows": rows,
        "not_current": missing,
        "first_files_by_path": ordered[: len(sampled)],
        "sampled_files": sampled,
        "total_rows": sum(a["num_records"] or 0 for a in adds),
    }


def iceberg(uri, warehouse, name, ident, sample):
    from pyiceberg.catalog.sql import SqlCatalog

    tbl = SqlCatalog(name, uri=uri, warehouse=warehouse).load_table(ident)
    fields = tbl.schema().fields
    columns = [f.name for f in fields]
    by_id = {f.field_id: f.name for f in fields}
    tasks = {local(t.file.file_path): t for t in tbl.scan().plan_files()}
    rows, missing, with_deletes = [], [], []
    for f in sample["files"]:
        p = local(f["path"])
        task = tasks.get(p)
        if task is None:
            missing.append(f["path"])
            continue
        if task.delete_files:
            with_deletes.append(f["path"])

        def match(fld):
            fid = (fld.metadata or {}).get(b"PARQUET:field_id")
            return by_id.get(int(fid)) if fid is not None else None

        rows += first_rows(p, f["rows"], columns, match, {})
    snap = tbl.current_snapshot()
    return {
        "version": str(snap.snapshot_id) if snap else None,
        "columns": columns,
        "rows": rows,
        "not_current": missing,
        "with_deletes": with_deletes,
        "total_rows": sum(t.file.record_count for t in tasks.values()),
    }


def parquet(path, sample):
    import pyarrow.dataset as ds

    dataset = ds.dataset(local(path), format="parquet", partitioning="hive")
    files = {os.path.normpath(f) for f in dataset.files}
    columns = [c["name"] for c in sample["columns"]]
    rows, missing = [], []
    for f in sample["files"]:
        p = os.path.normpath(local(f["path"]))
        if p not in files:
            missing.append(f["path"])
            continue
        rel = os.path.relpath(p, local(path))
        fixed = dict(unquote(c).split("=", 1) for c in rel.split(os.sep)[:-1] if "=" in c)
        rows += first_rows(p, f["rows"], columns, lambda fld: fld.name if fld.name in columns else None, fixed)
    return {"columns": columns, "rows": rows, "not_current": missing, "first_files_by_path": sorted(files)[: len(sample["files"])]}


def main():
    kind, args = sys.argv[1], sys.argv[2:]
    with open(args[-1]) as fh:
        sample = json.load(fh)
    if kind == "delta":
        out = delta(args[0], sample)
    elif kind == "iceberg":
        out = iceberg(args[0], args[1], args[2], args[3], sample)
    elif kind == "parquet":
        out = parquet(args[0], sample)
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(json.dumps(out))
    sys.stdout.flush()
    # deltalake's threads sometimes abort the interpreter's teardown (see lookup_append.py).
    os._exit(0)


if __name__ == "__main__":
    main()
