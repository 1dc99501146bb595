"""A small Hive-style Parquet lake for the app's end-to-end test, written by pyarrow.

Usage: e2e_lake.py DIR  -> writes DIR/hive/{ods,mart,usr_jdoe}.db/... and DIR/sources.toml, prints
{"sources": ".../sources.toml", "tables": N}

The tables differ in the ways the table page must show: many partitions with uneven file counts and
a NULL partition, an unpartitioned table, a personal (usr_*) table. Modification times are set to the
partition's day so "last modified" has something to say. The sources file also names a source that
cannot be listed, so the app's per-source error state is exercised next to working sources.
"""
import datetime as dt
import json
import os
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def write(path, table, day):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path, compression="snappy")
    t = dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (t, t))


def web_logs(rng, n, day):
    return pa.table(
        {
            "ts": pa.array([dt.datetime.combine(day, dt.time(0)) + dt.timedelta(seconds=rng.randrange(86400)) for _ in range(n)], pa.timestamp("us")),
            "path": pa.array([rng.choice(["/", "/cart", "/search", "/item/42", "/checkout"]) for _ in range(n)]),
            "status": pa.array([rng.choice([200, 200, 200, 304, 404, 500]) for _ in range(n)], pa.int32()),
            "bytes_sent": pa.array([rng.randrange(200, 90000) for _ in range(n)], pa.int64()),
            "user_agent": pa.array([rng.choice(["Firefox", "Chrome", "Safari", None]) for _ in range(n)]),
        }
    )


def main(root):
    rng = random.Random(20261130)
    hive = os.path.join(root, "hive")
    start = dt.date(2026, 11, 1)
    tables = 0

    # ods_web_logs: 30 daily partitions, the last five written as many small files, plus a NULL partition.
    base = os.path.join(hive, "ods.db", "ods_web_logs")
    for i in range(30):
        day = start + dt.timedelta(days=i)
        files = 6 if i >= 25 else 1
        for f in range(files):
            rows = 400 // files + rng.randrange(20)
            write(os.path.join(base, f"dt={day}", f"part-{f:05d}.parquet"), web_logs(rng, rows, day), day)
    write(os.path.join(base, "dt=__HIVE_DEFAULT_PARTITION__", "part-00000.parquet"), web_logs(rng, 17, start), start)
    tables += 1

    # mart_sales: unpartitioned, two files.
    base = os.path.join(hive, "mart.db", "mart_sales")
    for f in range(2):
        n = 250
        t = pa.table(
            {
                "country": pa.array([rng.choice(["DE", "FR", "NL", "US"]) for _ in range(n)]),
                "revenue": pa.array([round(rng.uniform(10, 5000), 2) for _ in range(n)], pa.float64()),
                "orders": pa.array([rng.randrange(1, 90) for _ in range(n)], pa.int64()),
            }
        )
        write(os.path.join(base, f"part-{f:05d}.parquet"), t, start + dt.timedelta(days=29))
    tables += 1

    # usr_jdoe_export: a personal one-off export, three days long ago.
    base = os.path.join(hive, "usr_jdoe.db", "usr_jdoe_export")
    for i in range(3):
        day = dt.date(2026, 9, 1) + dt.timedelta(days=i)
        write(os.path.join(base, f"dt={day}", "part-00000.parquet"), web_logs(rng, 80, day), day)
    tables += 1

    sources = os.path.abspath(os.path.join(root, "sources.toml"))
    with open(sources, "w") as f:
        f.write(
            "[[source]]\nname = \"hive\"\nkind = \"storage\"\n"
            f"location = \"file://{os.path.abspath(hive)}\"\n\n"
            "# A catalog database that is not there: the app must show this source's error and still list the others.\n"
            "[[source]]\nname = \"broken\"\nkind = \"iceberg-sql\"\n"
            f"uri = \"sqlite://{os.path.abspath(os.path.join(root, 'missing', 'catalog.db'))}\"\n"
            f"warehouse = \"file://{os.path.abspath(os.path.join(root, 'missing'))}\"\n"
        )
    print(json.dumps({"sources": sources, "tables": tables}))


if __name__ == "__main__":
    main(sys.argv[1])
