"""What duckdb (and the filesystem) say about a Hive-style Parquet directory.

Usage:
  parquet_truth.py describe DIR        -> {"records","data_files","data_bytes","columns","partitions":[...]}
  parquet_truth.py write DIR           -> writes a Hive-style table with pyarrow (NULL partition, _SUCCESS,
                                          a .crc side file, a _temporary leftover) and prints {"dir": DIR}

Row counts come from duckdb's own reading of each file's footer (parquet_file_metadata) and from an
actual scan; sizes from the filesystem, the way `du --apparent-size` sees them.
"""
import json
import os
import sys

import duckdb


def visible(rel):
    return all(not c.startswith(("_", ".")) for c in rel.split("/"))


def describe(root):
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            full = os.path.join(d, n)
            rel = os.path.relpath(full, root)
            if visible(rel) and n.endswith(".parquet"):
                files.append((full, rel))
    con = duckdb.connect()
    per_file = {}
    for full, rel in files:
        (rows,) = con.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)", [full]).fetchone()
        per_file[rel] = (int(rows), os.path.getsize(full))
    # An actual scan must agree with the footers (proves the files are readable, not just well-formed).
    (scanned,) = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", [[f for f, _ in files]]
    ).fetchone()
    partitions = {}
    for rel, (rows, size) in per_file.items():
        parts = tuple(c.split("=", 1) for c in rel.split("/")[:-1] if "=" in c)
        key = tuple((k, None if v == "__HIVE_DEFAULT_PARTITION__" else v) for k, v in parts)
        p = partitions.setdefault(key, {"values": dict(key), "records": 0, "data_files": 0, "data_bytes": 0})
        p["records"] += rows
        p["data_files"] += 1
        p["data_bytes"] += size
    cols = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = true)", [[f for f, _ in files]]).fetchall()]
    return {
        "records": sum(r for r, _ in per_file.values()),
        "scanned_rows": int(scanned),
        "data_files": len(per_file),
        "data_bytes": sum(s for _, s in per_file.values()),
        "columns": cols,
        "partitions": sorted(partitions.values(), key=lambda p: json.dumps(p["values"], sort_keys=True)),
    }


def write(root):
    import pyarrow as pa
    import pyarrow.dataset as ds

    table = pa.table(
        {
            "id": pa.array(range(1000), pa.int64()),
            "amount": pa.array([i * 0.5 for i in range(1000)]),
            "app": pa.array([["ios", "android", "web", None][i % 4] for i in range(1000)]),
            "dt": pa.array([f"2026-10-{1 + i % 5:02d}" for i in range(1000)]),
        }
    )
    part = ds.partitioning(pa.schema([("app", pa.string()), ("dt", pa.string())]), flavor="hive")
    ds.write_dataset(table, root, format="parquet", partitioning=part, max_rows_per_file=120,
                     max_rows_per_group=120, basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore")
    # What Spark/Hadoop jobs leave beside the data: markers, checksums, an abandoned attempt.
    open(os.path.join(root, "_SUCCESS"), "w").close()
    first = sorted(d for d in os.listdir(root) if d.startswith("app="))[0]
    with open(os.path.join(root, first, ".part-0.parquet.crc"), "wb") as f:
        f.write(b"crc\x00" * 4)
    os.makedirs(os.path.join(root, "_temporary", "0"), exist_ok=True)
    with open(os.path.join(root, "_temporary", "0", "part-9.parquet"), "wb") as f:
        f.write(b"PAR1 not finished")
    return {"dir": root}


if __name__ == "__main__":
    cmd, root = sys.argv[1], sys.argv[2]
    print(json.dumps(describe(root) if cmd == "describe" else write(root)))
