"""Reference side of `lakescope bench history`: what a user would otherwise run to get a table's
history with the table's totals as of each version, using the format's own Python library.

  history_ref.py iceberg <catalog sqlite uri> <warehouse> <catalog name> <namespace.table> <runs>
  history_ref.py delta <table dir> <runs>

Prints one JSON document: {"tool", "versions", "seconds": [per run, in-process], "import_seconds"}.
"""
import json
import sys
import time

t_import = time.perf_counter()
kind = sys.argv[1]
if kind == "iceberg":
    from pyiceberg.catalog.sql import SqlCatalog
else:
    from deltalake import DeltaTable
import_seconds = time.perf_counter() - t_import


def sqlalchemy_uri(uri):
    # Sources files use sqlx's form, where sqlite:///abs/path is absolute; SQLAlchemy needs four slashes.
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////"):
        return "sqlite:////" + uri[len("sqlite:///"):]
    return uri


def iceberg_history(uri, warehouse, name, ident):
    catalog = SqlCatalog(name, uri=sqlalchemy_uri(uri), warehouse=warehouse)
    table = catalog.load_table(ident)
    rows = []
    for entry in table.history():
        snap = table.snapshot_by_id(entry.snapshot_id)
        s = snap.summary
        rows.append((snap.snapshot_id, snap.timestamp_ms, s.operation.value,
                     int(s.get("total-records", 0)), int(s.get("total-data-files", 0)), int(s.get("total-files-size", 0))))
    return rows


def delta_history(path):
    # deltalake's history() has no per-version totals: load each version and sum its add actions.
    dt = DeltaTable(path)
    commits = {c["version"]: c for c in dt.history()}
    rows = []
    for v in sorted(commits):
        dt.load_as_version(v)
        adds = dt.get_add_actions(flatten=True)
        size = adds.column("size_bytes").to_pylist()
        recs = adds.column("num_records").to_pylist() if "num_records" in adds.column_names else []
        rows.append((v, commits[v].get("timestamp"), commits[v].get("operation"), sum(r or 0 for r in recs), len(size), sum(size)))
    return rows


runs = int(sys.argv[-1])
seconds = []
versions = 0
for _ in range(runs):
    t0 = time.perf_counter()
    if kind == "iceberg":
        rows = iceberg_history(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
        tool = "pyiceberg"
    else:
        rows = delta_history(sys.argv[2])
        tool = "deltalake"
    seconds.append(time.perf_counter() - t0)
    versions = len(rows)
print(json.dumps({"tool": tool, "versions": versions, "seconds": seconds, "import_seconds": import_seconds}))
