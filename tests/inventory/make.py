"""Inventories in the formats AWS S3 Inventory and `hdfs oiv -p Delimited` write, and their reference sums.

    make.py tree  --tree DIR --subdirs a,b --out OUT [--bucket B] [--anchor YYYY-MM-DD] [--days N]
        S3 Inventory reports of the files under DIR/a, DIR/b (keys `a/…`, `b/…`) for N days, one
        configuration per format (CSV gzip, Parquet, ORC), plus one oiv dump per day of the same tree
        under `/lake`. The newest day lists the tree as it is; older days a deterministic subset of it.
        The Parquet configuration lists all versions: it also carries noncurrent versions and delete
        markers, which are not objects.
    make.py bench --rows N --out OUT
        One day of an inventory of N synthetic objects, as CSV gzip and as Parquet (for `lakescope bench
        inventory`), written in slices so memory stays flat.
    make.py sum   --manifest M.json | --oiv FILE  [--prefix P] [--depth D]
        Objects and bytes per child prefix, computed with pyarrow from the inventory files themselves.
    make.py duck  --manifest M.json [--depth D]
        The same sums with DuckDB (what a user would otherwise run), timed, with this process's peak RSS.

Layout (AWS): <out>/inventories/<bucket>/<config-id>/<YYYY-MM-DDTHH-MMZ>/manifest.json (+ manifest.checksum),
<config-id>/data/<uuid>.<ext>, <config-id>/hive/dt=YYYY-MM-DD-HH-MM/symlink.txt. CSV files have no header,
every value quoted, keys URL-encoded (form encoding: a space is `+`).
"""

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import resource
import sys
import time
import urllib.parse
import uuid
import zlib

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.orc as paorc
import pyarrow.parquet as pq

CSV_SCHEMA = ["Bucket", "Key", "Size", "LastModifiedDate", "ETag", "StorageClass", "IsMultipartUploaded"]
PARQUET_FIELDS = [
    ("bucket", pa.string()),
    ("key", pa.string()),
    ("version_id", pa.string()),
    ("is_latest", pa.bool_()),
    ("is_delete_marker", pa.bool_()),
    ("size", pa.int64()),
    ("last_modified_date", pa.timestamp("ms", tz="UTC")),
    ("e_tag", pa.string()),
    ("storage_class", pa.string()),
]
PARQUET_FILE_SCHEMA = (
    "message s3.inventory {  required binary bucket (STRING);  required binary key (STRING);  optional binary"
    " version_id (STRING);  optional boolean is_latest;  optional boolean is_delete_marker;  optional int64 size;"
    "  optional int64 last_modified_date (TIMESTAMP(MILLIS,true));  optional binary e_tag (STRING);"
    "  optional binary storage_class (STRING);}"
)
ORC_FIELDS = [f for f in PARQUET_FIELDS if f[0] not in ("version_id", "is_latest", "is_delete_marker")]
ORC_FILE_SCHEMA = "struct<bucket:string,key:string,size:bigint,last_modified_date:timestamp,e_tag:string,storage_class:string>"
OIV_HEADER = "Path\tReplication\tModificationTime\tAccessTime\tPreferredBlockSize\tBlocksCount\tFileSize\tNSQUOTA\tDSQUOTA\tPermission\tUserName\tGroupName"


def walk(tree, subdirs):
    """(key, size, mtime_ms) of every regular file (lstat: symlinks neither followed nor counted), sorted."""
    out = []
    for sub in subdirs:
        for root, dirs, files in os.walk(os.path.join(tree, sub)):
            dirs.sort()
            for name in files:
                p = os.path.join(root, name)
                st = os.lstat(p)
                if not os.path.isfile(p) or os.path.islink(p):
                    continue
                out.append((os.path.relpath(p, tree).replace(os.sep, "/"), st.st_size, st.st_mtime_ns // 1_000_000))
    out.sort()
    return out


def day_subset(files, k, days):
    """Day k of `days` (k = days-1 is the newest, the whole tree)."""
    return [f for f in files if zlib.crc32(f[0].encode()) % days <= k]


def stamp(day):
    return f"{day.isoformat()}T01-00Z"


def iso_ms(ms):
    t = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def etag(key, size):
    return hashlib.md5(f"{key}:{size}".encode()).hexdigest()


def write_manifest(cfg_dir, bucket, day, fmt, schema, data_files, dest_bucket):
    created = int(dt.datetime.combine(day, dt.time(1, 0), tzinfo=dt.timezone.utc).timestamp() * 1000)
    files = []
    for path in data_files:
        with open(path, "rb") as f:
            md5 = hashlib.md5(f.read()).hexdigest()
        key = os.path.relpath(path, os.path.dirname(os.path.dirname(os.path.dirname(cfg_dir))))
        files.append({"key": key.replace(os.sep, "/"), "size": os.path.getsize(path), "MD5checksum": md5})
    manifest = {
        "sourceBucket": bucket,
        "destinationBucket": f"arn:aws:s3:::{dest_bucket}",
        "version": "2016-11-30",
        "creationTimestamp": str(created),
        "fileFormat": fmt,
        "fileSchema": schema,
        "files": files,
    }
    d = os.path.join(cfg_dir, stamp(day))
    os.makedirs(d, exist_ok=True)
    text = json.dumps(manifest, indent=4).encode()
    with open(os.path.join(d, "manifest.json"), "wb") as f:
        f.write(text)
    with open(os.path.join(d, "manifest.checksum"), "w") as f:
        f.write(hashlib.md5(text).hexdigest() + "\n")
    hive = os.path.join(cfg_dir, "hive", f"dt={day.isoformat()}-01-00")
    os.makedirs(hive, exist_ok=True)
    with open(os.path.join(hive, "symlink.txt"), "w") as f:
        for e in files:
            f.write(f"s3://{dest_bucket}/{e['key']}\n")


def csv_line(bucket, key, size, ms):
    vals = [bucket, urllib.parse.quote_plus(key, safe="/"), str(size), iso_ms(ms), etag(key, size), "STANDARD", "FALSE"]
    return ",".join(f'"{v}"' for v in vals) + "\n"


def write_csv(cfg_dir, bucket, rows, parts):
    os.makedirs(os.path.join(cfg_dir, "data"), exist_ok=True)
    paths = []
    for i in range(parts):
        p = os.path.join(cfg_dir, "data", f"{uuid.uuid4()}.csv.gz")
        with gzip.open(p, "wt", newline="") as f:
            for key, size, ms in rows[i::parts]:
                f.write(csv_line(bucket, key, size, ms))
        paths.append(p)
    return paths


def table(fields, cols):
    return pa.table({name: pa.array(cols[name], type=t) for name, t in fields})


def rows_table(fields, bucket, rows, extra=()):
    """`extra`: (key, size, ms, is_latest, is_delete_marker) rows of other versions."""
    allrows = [(k, s, m, True, False) for k, s, m in rows] + list(extra)
    cols = {
        "bucket": [bucket] * len(allrows),
        "key": [r[0] for r in allrows],
        "version_id": [etag(r[0], r[2])[:16] for r in allrows],
        "is_latest": [r[3] for r in allrows],
        "is_delete_marker": [r[4] for r in allrows],
        "size": [None if r[4] else r[1] for r in allrows],
        "last_modified_date": [r[2] for r in allrows],
        "e_tag": [None if r[4] else etag(r[0], r[1]) for r in allrows],
        "storage_class": [None if r[4] else "STANDARD" for r in allrows],
    }
    return table(fields, cols)


def write_columnar(cfg_dir, t, parts, ext):
    os.makedirs(os.path.join(cfg_dir, "data"), exist_ok=True)
    paths = []
    n = t.num_rows
    for i in range(parts):
        piece = t.slice(i * n // parts, (i + 1) * n // parts - i * n // parts)
        p = os.path.join(cfg_dir, "data", f"{uuid.uuid4()}.{ext}")
        if ext == "parquet":
            pq.write_table(piece, p, compression="snappy")
        else:
            paorc.write_table(piece, p, compression="zlib")
        paths.append(p)
    return paths


def oiv_dump(path, rows, root="/lake"):
    """`hdfs oiv -p Delimited`: a header, then one line per inode, directories included (parents first)."""
    dirs = {"/", root}
    for key, _, _ in rows:
        parts = key.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add(root + "/" + "/".join(parts[:i]))
    fmt = lambda ms: dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    newest = max((m for _, _, m in rows), default=0)
    lines = [OIV_HEADER]
    for d in sorted(dirs):
        lines.append(f"{d}\t0\t{fmt(newest)}\t1970-01-01 00:00\t0\t0\t0\t-1\t-1\tdrwxr-xr-x\thdfs\tsupergroup")
    for key, size, ms in rows:
        blocks = (size + 134217727) // 134217728
        lines.append(f"{root}/{key}\t3\t{fmt(ms)}\t{fmt(ms)}\t134217728\t{blocks}\t{size}\t0\t0\t-rw-r--r--\thdfs\tsupergroup")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def cmd_tree(a):
    files = walk(a.tree, a.subdirs.split(","))
    anchor = dt.date.fromisoformat(a.anchor)
    inv = os.path.join(a.out, "inventories", a.bucket)
    hdfs = os.path.join(a.out, "hdfs")
    os.makedirs(hdfs, exist_ok=True)
    days = []
    for k in range(a.days):
        day = anchor - dt.timedelta(days=a.days - 1 - k)
        rows = day_subset(files, k, a.days)
        # Noncurrent versions and a delete marker (for a key deleted since) only the all-versions report shows.
        extra = [(key, size + 7, ms - 86_400_000, False, False) for key, size, ms in rows[::5]]
        extra.append((f"{a.subdirs.split(',')[0]}/deleted-since.parquet", 0, rows[0][2] if rows else 0, True, True))
        cfg = os.path.join(inv, "daily-csv")
        write_manifest(cfg, a.bucket, day, "CSV", ", ".join(CSV_SCHEMA), write_csv(cfg, a.bucket, rows, 2), "inventory-dest")
        cfg = os.path.join(inv, "daily-parquet")
        t = rows_table(PARQUET_FIELDS, a.bucket, rows, extra)
        write_manifest(cfg, a.bucket, day, "Parquet", PARQUET_FILE_SCHEMA, write_columnar(cfg, t, 2, "parquet"), "inventory-dest")
        cfg = os.path.join(inv, "daily-orc")
        t = rows_table(ORC_FIELDS, a.bucket, rows)
        write_manifest(cfg, a.bucket, day, "ORC", ORC_FILE_SCHEMA, write_columnar(cfg, t, 2, "orc"), "inventory-dest")
        oiv_dump(os.path.join(hdfs, f"fsimage_{day.isoformat()}.tsv"), rows)
        days.append({"date": day.isoformat(), "objects": len(rows), "bytes": sum(r[1] for r in rows)})
    print(json.dumps({"bucket": a.bucket, "inventories": inv, "hdfs": hdfs, "days": days}))


def cmd_bench(a):
    inv = os.path.join(a.out, "inventories", "bench-bucket")
    day = dt.date(2026, 11, 30)
    slice_rows = 1_000_000
    base_ms = 1_780_000_000_000
    out = {}
    for fmt, cfg_name in (("CSV", "bench-csv"), ("Parquet", "bench-parquet")):
        cfg = os.path.join(inv, cfg_name)
        os.makedirs(os.path.join(cfg, "data"), exist_ok=True)
        paths = []
        total_bytes = 0
        for start in range(0, a.rows, slice_rows):
            n = min(slice_rows, a.rows - start)
            i = pa.array(range(start, start + n), type=pa.int64())
            import pyarrow.compute as pc

            keys = pc.binary_join_element_wise(
                pa.array(["warehouse/db"] * n),
                pc.cast(pc.divide(i, 200_000), pa.string()),
                pa.array(["/t"] * n),
                pc.cast(pc.divide(i, 2_000), pa.string()),
                pa.array(["/dt=2026-11-"] * n),
                pc.cast(pc.add(pc.bit_wise_and(i, 15), 10), pa.string()),
                pa.array(["/part-"] * n),
                pc.cast(i, pa.string()),
                pa.array([".parquet"] * n),
                "",
            )
            sizes = pc.add(pc.multiply(pc.bit_wise_and(i, 1023), 1000), 17)
            total_bytes += pc.sum(sizes).as_py()
            mtimes = pc.cast(pc.add(i, base_ms), pa.timestamp("ms", tz="UTC"))
            t = pa.table({
                "bucket": pa.array(["bench-bucket"] * n),
                "key": keys,
                "size": sizes,
                "last_modified_date": mtimes,
                "e_tag": pa.array(["d41d8cd98f00b204e9800998ecf8427e"] * n),
                "storage_class": pa.array(["STANDARD"] * n),
            })
            if fmt == "CSV":
                p = os.path.join(cfg, "data", f"{uuid.uuid4()}.csv.gz")
                opts = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
                t = t.set_column(3, "last_modified_date", pc.strftime(mtimes, format="%Y-%m-%dT%H:%M:%SZ"))
                with pa.CompressedOutputStream(p, "gzip") as s:
                    pacsv.write_csv(t, s, opts)
            else:
                p = os.path.join(cfg, "data", f"{uuid.uuid4()}.parquet")
                pq.write_table(t, p, compression="snappy")
            paths.append(p)
        schema = "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass" if fmt == "CSV" else (
            "message s3.inventory { required binary bucket (STRING); required binary key (STRING); optional int64 size;"
            " optional int64 last_modified_date (TIMESTAMP(MILLIS,true)); optional binary e_tag (STRING);"
            " optional binary storage_class (STRING);}")
        write_manifest(cfg, "bench-bucket", day, fmt, schema, paths, "inventory-dest")
        out[fmt] = {"manifest": os.path.join(cfg, stamp(day), "manifest.json"), "rows": a.rows, "bytes": total_bytes}
    print(json.dumps(out))


def data_paths(manifest_path, m):
    """Each data file's path: its key names `…/<source-bucket>/<config-id>/data/…`, which sits beside the
    manifest's own `<YYYY-MM-DDTHH-MMZ>` directory under the configuration's directory."""
    cfg_dir = os.path.dirname(os.path.dirname(os.path.abspath(manifest_path)))
    marker = f"{m['sourceBucket']}/{os.path.basename(cfg_dir)}/"
    return [os.path.join(cfg_dir, f["key"].split(marker, 1)[1]) for f in m["files"]]


def manifest_tables(manifest_path):
    """The inventory's rows as pyarrow tables (one per data file) with columns key, size, current."""
    m = json.load(open(manifest_path))
    for p in data_paths(manifest_path, m):
        if m["fileFormat"] == "CSV":
            names = [c.strip() for c in m["fileSchema"].split(",")]
            t = pacsv.read_csv(p, read_options=pacsv.ReadOptions(column_names=names),
                               convert_options=pacsv.ConvertOptions(column_types={"Key": pa.string(), "Size": pa.int64()}))
            keys = [urllib.parse.unquote_plus(k) for k in t.column("Key").to_pylist()]
            yield keys, t.column("Size").to_pylist(), [True] * t.num_rows
        else:
            t = pq.read_table(p) if m["fileFormat"] == "Parquet" else paorc.read_table(p)
            cols = t.column_names
            latest = t.column("is_latest").to_pylist() if "is_latest" in cols else [True] * t.num_rows
            marker = t.column("is_delete_marker").to_pylist() if "is_delete_marker" in cols else [False] * t.num_rows
            cur = [bool(l) and not d for l, d in zip(latest, marker)]
            yield t.column("key").to_pylist(), t.column("size").to_pylist(), cur


def oiv_rows(path):
    t = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter="\t"),
                       convert_options=pacsv.ConvertOptions(column_types={"Path": pa.string(), "FileSize": pa.int64(), "Permission": pa.string()}))
    paths = t.column("Path").to_pylist()
    files = [p.startswith("-") for p in t.column("Permission").to_pylist()]
    yield [p.lstrip("/") for p in paths], t.column("FileSize").to_pylist(), files


def group(rows_iter, prefix, depth):
    prefix = prefix.strip("/")
    base = prefix + "/" if prefix else ""
    total = [0, 0]
    children = {}
    for keys, sizes, keep in rows_iter:
        for k, s, ok in zip(keys, sizes, keep):
            if not ok or not k.startswith(base) or k == base:
                continue
            rel = k[len(base):]
            total[0] += s or 0
            total[1] += 1
            if depth > 0:
                parts = rel.split("/")
                name = "/".join(parts[:depth]) if len(parts) > depth else rel
                c = children.setdefault(name, [0, 0])
                c[0] += s or 0
                c[1] += 1
    return {"total_bytes": total[0], "total_objects": total[1],
            "children": [{"name": n, "bytes": b, "objects": o} for n, (b, o) in sorted(children.items())]}


def cmd_sum(a):
    it = manifest_tables(a.manifest) if a.manifest else oiv_rows(a.oiv)
    print(json.dumps(group(it, a.prefix, a.depth)))


def cmd_duck(a):
    import duckdb

    m = json.load(open(a.manifest))
    paths = data_paths(a.manifest, m)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    start = time.perf_counter()
    if m["fileFormat"] == "CSV":
        names = [c.strip() for c in m["fileSchema"].split(",")]
        cols = "{" + ", ".join(f"'{n}': '{'BIGINT' if n == 'Size' else 'VARCHAR'}'" for n in names) + "}"
        src = f"read_csv({paths!r}, header=false, columns={cols}, compression='gzip')"
        key, size = "url_decode(replace(Key, '+', ' '))", "Size"
    else:
        src = f"read_parquet({paths!r})"
        key, size = "key", "size"
    d = a.depth
    q = (f"SELECT array_to_string(list_slice(string_split({key}, '/'), 1, {d}), '/') AS p, sum({size}), count(*) "
         f"FROM {src} GROUP BY p ORDER BY p")
    rows = con.execute(q).fetchall()
    secs = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": secs, "peak_rss_bytes": peak, "rows": sum(r[2] for r in rows),
                      "bytes": int(sum(r[1] for r in rows)), "groups": len(rows), "duckdb": duckdb.__version__}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tree")
    t.add_argument("--tree", required=True)
    t.add_argument("--subdirs", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--bucket", default="demo-lake")
    t.add_argument("--anchor", default="2026-11-30")
    t.add_argument("--days", type=int, default=3)
    b = sub.add_parser("bench")
    b.add_argument("--rows", type=int, required=True)
    b.add_argument("--out", required=True)
    s = sub.add_parser("sum")
    s.add_argument("--manifest")
    s.add_argument("--oiv")
    s.add_argument("--prefix", default="")
    s.add_argument("--depth", type=int, default=1)
    k = sub.add_parser("duck")
    k.add_argument("--manifest", required=True)
    k.add_argument("--depth", type=int, default=2)
    a = p.parse_args()
    {"tree": cmd_tree, "bench": cmd_bench, "sum": cmd_sum, "duck": cmd_duck}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
