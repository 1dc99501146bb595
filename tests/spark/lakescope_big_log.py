#!/usr/bin/env python3
"""Write a LARGE real Spark event log, for `lakescope bench spark` and the memory-bound test.

Not a fixture (nothing here is committed): a real Spark 4 application (pyspark from the venv,
`local[2]`) runs many tiny JVM-only tasks — `spark.range(…).repartition(P).count()` in a loop —
until at least --tasks task-end events were logged. Each task end is a few KB of JSON, so 100k tasks
make a log of several hundred MB. Spark's defaults decide the format (zstd, rolled at 128 MiB), as on
a real cluster; --plain writes one uncompressed file instead.

Usage:
    python tests/spark/lakescope_big_log.py --out target/bench/spark-100k --tasks 100000
Prints one JSON line: {"log": <dir with the eventlog_v2_… entry>, "tasks": N, "seconds": S}.
Reuses an existing complete log in --out (it checks the appstatus marker / file) unless --force.
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path


def existing(out):
    if not out.is_dir():
        return None
    done = out / "DONE.json"
    if not done.exists():
        return None
    info = json.loads(done.read_text())
    # A cache copied or moved from another checkout names a log that is not here: build it again.
    return info if Path(info.get("log", "")).exists() else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--partitions", type=int, default=2000)
    ap.add_argument("--plain", action="store_true", help="one uncompressed file instead of rolled zstd")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out = args.out.resolve()
    if not args.force and (prev := existing(out)):
        print(json.dumps(prev))
        return 0
    if out.exists():
        shutil.rmtree(out)
    logs = out / "logs"
    logs.mkdir(parents=True)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("SPARK_LOCAL_HOSTNAME", "localhost")
    os.environ.pop("SPARK_HOME", None)
    from pyspark.sql import SparkSession

    b = (SparkSession.builder.master("local[2]").appName("lakescope-bench-big-log")
         .config("spark.eventLog.enabled", "true")
         .config("spark.eventLog.dir", logs.as_uri())
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.adaptive.enabled", "false")
         .config("spark.sql.shuffle.partitions", str(args.partitions))
         .config("spark.driver.memory", "2g")
         .config("spark.local.dir", str(out / "local")))
    if args.plain:
        b = b.config("spark.eventLog.compress", "false").config("spark.eventLog.rolling.enabled", "false")
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    t0 = time.time()
    tasks = 0
    p = args.partitions
    while tasks < args.tasks:
        spark.range(0, 50 * p, 1, p).repartition(p).count()
        tasks += 2 * p + 1  # map stage, reduce stage, final count
        print(f"[big-log] ~{tasks} tasks after {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    spark.stop()
    shutil.rmtree(out / "local", ignore_errors=True)
    info = {"log": str(logs), "tasks": tasks, "seconds": round(time.time() - t0, 1)}
    (out / "DONE.json").write_text(json.dumps(info))
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
