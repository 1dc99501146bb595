#!/usr/bin/env python3
"""Produce Lakescope's Spark event-log fixtures with real PySpark runs.

Every fixture under ``logs/`` is written by a real Spark 4.3.0 application started from this
script (PyPI ``pyspark``; ``local-cluster[N,cores,MiB]`` starts a real standalone master, workers
and executor JVMs on this machine). Nothing in an event log is hand-written; the only
post-processing is (a) copying a log while its application is still running (``inprogress``),
(b) cutting one such copy mid-line, and (c) copying finished logs into ``many_apps/``.

Requirements (pinned, also in requirements.txt):
    pyspark==4.3.0     the engine; also ships the History Server used by tests/spark/
    zstandard==0.25.0  only to *verify* the zstd logs after generation (lz4-java, snappy-java and
                       LZF streams are decoded by the small pure-Python readers below)
    Java 17 on PATH (or JAVA_HOME).

Usage:
    python -m pip install -r assets/spark/requirements.txt
    python assets/spark/generate.py                      # every fixture into assets/spark/logs/
    python assets/spark/generate.py --only spilling      # one fixture (repeatable)
    python assets/spark/generate.py --check-only         # re-verify existing logs, rewrite manifest

Each application runs in its own Python process (fresh JVM, fresh confs). After the runs the
script decodes every log and asserts what each fixture claims (spills > 0, removal reasons,
Python RSS > 0, ...); it fails loudly otherwise, and writes ``logs/manifest.json``: per fixture,
per application, the facts a reader must find (app id, executors, removals, peaks, files).

Common to all applications (for reproducibility, not realism):
    spark.app.name=lakescope-<scenario>  fixed names; application ids are assigned by Spark
                                         (``app-<yyyyMMddHHmmss>-<n>`` standalone, ``local-<ms>``)
                                         and change on every regeneration: read them from
                                         manifest.json, never hard-code them.
    SPARK_LOCAL_IP=127.0.0.1, SPARK_LOCAL_HOSTNAME=localhost  -> every host is "localhost"
    spark.ui.enabled=false, spark.ui.showConsoleProgress=false
    spark.sql.execution.pythonUDF.arrow.enabled=false  plain pickled Python UDFs whether or not
                                         pyarrow/pandas are installed (Spark 4 switches otherwise)
    spark.pyspark.python = this interpreter; fixed data, no randomness except Spark's own.
Telemetry switches used by the "memory" scenarios (Spark's defaults would leave short tasks with
all-zero peaks): spark.eventLog.logStageExecutorMetrics=true (default false),
spark.executor.metrics.pollingInterval=100ms (default 0 = only at heartbeats),
spark.executor.heartbeatInterval=1s (default 10s).

Fixtures (directory under logs/ -> what it demonstrates; confs that make it so):
  overallocated     local-cluster[2,1,2048]; spark.executor.memory=1500m, explicit
                    spark.executor.memoryOverhead=512m; tiny jobs, so heap peaks are a small
                    fraction of 1500 MiB. Stage metrics + process-tree metrics on.
  python_udf_heavy  local-cluster[2,1,1024]; 512m heap, spark.executor.pyspark.memory=600m,
                    spark.executor.processTreeMetrics.enabled=true; Python UDFs that each hold
                    120-200 MiB of Python bytes -> ProcessTreePythonRSSMemory in the hundreds of MiB.
  spilling          local-cluster[2,1,1024]; 512m heap and spark.memory.fraction=0.2; a wide sort
                    and a groupBy that spill ("Memory Bytes Spilled"/"Disk Bytes Spilled" > 0).
                    Process-tree metrics left off (default): ProcessTree* peaks are 0.
  cached            local-cluster[2,1,1024]; 768m heap, spark.memory.offHeap.enabled=true,
                    spark.memory.offHeap.size=128m, spark.eventLog.logBlockUpdates.enabled=true;
                    one DataFrame persisted MEMORY_ONLY (OnHeapStorageMemory), one OFF_HEAP
                    (OffHeapStorageMemory); off-heap appears in the resource profile.
  local_mode        local[2]: the only executor is "driver". Stage + process-tree metrics on.
  rolled            local-cluster[2,1,1024]; spark.eventLog.rolling.maxFileSize=2m (the minimum)
                    and ~4000 tasks -> eventlog_v2_<app>/events_<n>_<app>.zstd, n = 1..>=3, plus
                    the appstatus_<app> marker.
  codecs            the same small job five times with spark.eventLog.rolling.enabled=false:
                    spark.eventLog.compression.codec = zstd | lz4 | snappy | lzf, and
                    spark.eventLog.compress=false (plain JSON lines, no suffix).
  inprogress        three local[2] applications, each copied while its second job was running
                    (so: no ApplicationEnd, a JobStart without JobEnd or nothing after it):
                    <app>.inprogress       plain JSON; the copy was then cut in the middle of its
                                           last line (a reader racing the writer sees this);
                    <app>.zstd.inprogress  single zstd file; the copy was then cut in the middle
                                           of its last zstd frame (Spark's writer closes a frame
                                           at every flush, so an uncut copy ends on a frame
                                           boundary); decodes to a clean line ending;
                    eventlog_v2_<app>/     rolled, uncut copy: events_1_<app>.zstd plus the
                                           appstatus_<app>.inprogress marker.
  executor_lost     local-cluster[2,1,1024], 512m heap. A task makes its executor's JVM throw
                    java.lang.OutOfMemoryError (repeat() of a 700 MB string) -> the executor exits
                    with code 52; later a task SIGKILLs its own executor JVM (what the kernel OOM
                    killer / a container limit does) -> exit 137. The standalone master starts
                    replacements. Stage metrics on, so the killed executors keep peaks.
  no_stage_metrics  local-cluster[3,1,1024]; spark.eventLog.logStageExecutorMetrics=false
                    (explicit), default polling/heartbeat; a single 1-partition job, so two of the
                    three executors run no task and none has stage-level metrics.
  streaming         local[2]; Structured Streaming rate source -> windowed count with watermark
                    (stateful) -> memory sink, 1 s trigger, >= 6 batches: QueryProgressEvent
                    entries with batch durations, input/processing rates and state memory.
  many_apps         one directory of eight applications in mixed forms: copies of the five codec
                    logs, the local_mode eventlog_v2_ dir and the two truncated in-progress files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "logs"
CODEC_SUFFIXES = ("zstd", "lz4", "snappy", "lzf")
MiB = 1024 * 1024

# ----------------------------------------------------------------------------------------------
# Scenario definitions. Each application is one function run in a child process; `confs` are
# passed to SparkSession.builder before the JVM starts.
# ----------------------------------------------------------------------------------------------

TELEMETRY = {
    "spark.eventLog.logStageExecutorMetrics": "true",
    "spark.executor.metrics.pollingInterval": "100ms",
    "spark.executor.heartbeatInterval": "1s",
}

SCENARIOS: dict[str, dict] = {}


def scenario(name, fixture, master, confs=None):
    def register(fn):
        SCENARIOS[name] = {"name": name, "fixture": fixture, "master": master,
                           "confs": dict(confs or {}), "body": fn}
        return fn
    return register


def _small_job(spark):
    """The same small SQL + Python-UDF workload, used by codecs and in-progress runs."""
    from pyspark.sql import functions as F

    df = spark.range(0, 200_000, 1, 4).withColumn("k", F.col("id") % 17)
    df.groupBy("k").agg(F.sum("id").alias("s"), F.count("*").alias("n")).orderBy("k").collect()
    double = F.udf(lambda x: x * 2, "long")
    df.select(double("id").alias("d")).agg(F.max("d")).collect()


@scenario("overallocated", "overallocated", "local-cluster[2,1,2048]", {
    **TELEMETRY,
    "spark.executor.processTreeMetrics.enabled": "true",
    "spark.executor.memory": "1500m",
    "spark.executor.memoryOverhead": "512m",
})
def run_overallocated(spark, ctx):
    from pyspark.sql import functions as F

    for i in range(3):
        df = spark.range(0, 300_000, 1, 4).withColumn("g", F.col("id") % 100)
        df.groupBy("g").agg(F.avg("id"), F.max("id")).collect()
        time.sleep(1)  # let heartbeats and pollers see the (tiny) steady state
    spark.range(0, 50_000, 1, 2).selectExpr("sum(id)").collect()


@scenario("python_udf_heavy", "python_udf_heavy", "local-cluster[2,1,1024]", {
    **TELEMETRY,
    "spark.executor.processTreeMetrics.enabled": "true",
    "spark.executor.memory": "512m",
    "spark.executor.pyspark.memory": "600m",
})
def run_python_udf_heavy(spark, ctx):
    from pyspark.sql import functions as F

    def hog(i):
        import time as _t
        mib = 120 + 20 * (i % 5)          # 120..200 MiB of real, touched Python memory
        blob = b"x" * (mib * 1024 * 1024)
        _t.sleep(1.2)                     # several 100 ms polls see it
        return len(blob) // (1024 * 1024)

    hog_udf = F.udf(hog, "long")
    spark.range(0, 8, 1, 8).select(hog_udf("id").alias("mib")).agg(F.sum("mib")).collect()

    def part_hog(rows):
        import time as _t
        keep = [str(r) * 50 for r in rows]  # many small Python objects
        _t.sleep(0.5)
        yield len(keep)

    spark.sparkContext.parallelize(range(400_000), 4).mapPartitions(part_hog).sum()


@scenario("spilling", "spilling", "local-cluster[2,1,1024]", {
    **TELEMETRY,
    "spark.executor.memory": "512m",
    "spark.memory.fraction": "0.2",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.adaptive.enabled": "false",   # keep 4 big reducers instead of coalescing
})
def run_spilling(spark, ctx):
    from pyspark.sql import functions as F

    df = (spark.range(0, 1_500_000, 1, 4)
          .withColumn("pad", F.sha2(F.col("id").cast("string"), 512))
          .withColumn("k", (F.col("id") * 7919) % 1_000_003))
    df.orderBy("pad").select(F.sum(F.length("pad"))).collect()
    df.groupBy("k").agg(F.collect_list("pad").alias("l")).select(F.sum(F.size("l"))).collect()


@scenario("cached", "cached", "local-cluster[2,1,1024]", {
    **TELEMETRY,
    "spark.executor.memory": "768m",
    "spark.memory.offHeap.enabled": "true",
    "spark.memory.offHeap.size": "128m",
    "spark.eventLog.logBlockUpdates.enabled": "true",
})
def run_cached(spark, ctx):
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    # sha2 hex strings do not compress in the columnar cache: ~40 MB on-heap, ~20 MB off-heap
    on_heap = (spark.range(0, 600_000, 1, 4)
               .withColumn("h", F.sha2(F.col("id").cast("string"), 256))
               .persist(StorageLevel.MEMORY_ONLY))
    off_heap = (spark.range(0, 300_000, 1, 4)
                .withColumn("h", F.sha2(F.col("id").cast("string"), 256))
                .persist(StorageLevel.OFF_HEAP))
    on_heap.count()
    off_heap.count()
    for _ in range(3):  # later tasks run while the blocks sit in storage memory
        on_heap.agg(F.max("h")).collect()
        off_heap.agg(F.min("h")).collect()
        time.sleep(1)


@scenario("local_mode", "local_mode", "local[2]", {
    **TELEMETRY,
    "spark.executor.processTreeMetrics.enabled": "true",
})
def run_local_mode(spark, ctx):
    _small_job(spark)
    time.sleep(1.5)
    spark.range(0, 400_000, 1, 2).selectExpr("sum(id)").collect()


@scenario("rolled", "rolled", "local-cluster[2,1,1024]", {
    "spark.eventLog.rolling.enabled": "true",
    "spark.eventLog.rolling.maxFileSize": "2m",
    "spark.executor.memory": "512m",
})
def run_rolled(spark, ctx):
    from pyspark.sql import functions as F

    for i in range(5):  # 5 jobs x 2 stages x ~170 tasks: ~4.7 MiB of JSON -> 3 files
        (spark.range(0, 20_000, 1, 170).withColumn("k", F.col("id") % 7)
         .groupBy("k").count().collect())


for _codec in CODEC_SUFFIXES + ("none",):
    _confs = {"spark.eventLog.rolling.enabled": "false", "spark.executor.memory": "512m"}
    if _codec == "none":
        _confs["spark.eventLog.compress"] = "false"
    else:
        _confs["spark.eventLog.compress"] = "true"
        _confs["spark.eventLog.compression.codec"] = _codec
    scenario(f"codec_{_codec}", "codecs", "local-cluster[2,1,1024]", _confs)(
        lambda spark, ctx: _small_job(spark))


def _snapshot_while_running(spark, ctx, cut=None):
    """Run a tiny job, then copy the event log while a second job's tasks are still running.

    cut="line": cut the copy in the middle of its last line (a plain log caught mid-write).
    cut="zstd-frame": cut the copy in the middle of its last zstd frame. Spark's zstd writer
    closes a frame at every flush, so a copy taken between flushes always ends on a frame
    boundary; a reader racing an unflushed write sees this instead.
    """
    from pyspark.sql import functions as F

    spark.range(0, 1000, 1, 2).selectExpr("sum(id)").collect()

    def slow(i):
        import time as _t
        _t.sleep(4)
        return i

    slow_udf = F.udf(slow, "long")
    t = threading.Thread(target=lambda: spark.range(0, 2, 1, 2)
                         .select(slow_udf("id")).collect())
    t.start()
    time.sleep(2.5)  # tasks of the second job are running now
    src = Path(ctx["eventlog_dir"])
    snap = Path(ctx["workdir"]) / "snapshot"
    snap.mkdir()
    for entry in src.iterdir():
        if entry.is_dir():
            shutil.copytree(entry, snap / entry.name)
        else:
            shutil.copy2(entry, snap / entry.name)
    t.join()
    ctx["result"]["snapshot"] = sorted(p.name for p in snap.iterdir())
    if cut:
        (f,) = [p for p in snap.iterdir() if p.name.endswith(".inprogress")]
        data = f.read_bytes()
        if cut == "line":
            body = data[:-1] if data.endswith(b"\n") else data
            start = body.rfind(b"\n") + 1
            end = len(body)
        else:
            start, end = zstd_frame_bounds(data)[-1]
        at = start + (end - start) // 2
        ctx["result"]["cut"] = {"file": f.name, "how": cut, "snapshot_bytes": len(data),
                                "cut_at": at, "last_unit": [start, end],
                                "snapshot_ended_with_newline": data.endswith(b"\n")}
        f.write_bytes(data[:at])


def zstd_frame_bounds(raw):
    """[(start, end)] byte ranges of the complete zstd frames in raw."""
    import zstandard

    d, out, pos = zstandard.ZstdDecompressor(), [], 0
    while pos < len(raw):
        obj = d.decompressobj()
        obj.decompress(raw[pos:])
        if not obj.eof:
            break
        end = len(raw) - len(obj.unused_data)
        out.append((pos, end))
        pos = end
    return out


scenario("inprogress_plain", "inprogress", "local[2]", {
    "spark.eventLog.rolling.enabled": "false", "spark.eventLog.compress": "false"})(
    lambda spark, ctx: _snapshot_while_running(spark, ctx, cut="line"))
scenario("inprogress_zstd", "inprogress", "local[2]", {
    "spark.eventLog.rolling.enabled": "false", "spark.eventLog.compression.codec": "zstd"})(
    lambda spark, ctx: _snapshot_while_running(spark, ctx, cut="zstd-frame"))
scenario("inprogress_rolled", "inprogress", "local[2]", {})(
    lambda spark, ctx: _snapshot_while_running(spark, ctx))


@scenario("executor_lost", "executor_lost", "local-cluster[2,1,1024]", {
    **TELEMETRY,
    "spark.executor.processTreeMetrics.enabled": "true",
    "spark.executor.memory": "512m",
})
def run_executor_lost(spark, ctx):
    from pyspark.sql import functions as F

    sc = spark.sparkContext
    _wait_for_executors(sc, 2)
    spark.range(0, 200_000, 1, 2).selectExpr("sum(id)").collect()

    def oom_count(i):
        # First attempt of partition 0 asks the JVM for a 700 MB string: more than the 512m
        # heap, so the executor JVM dies of java.lang.OutOfMemoryError (exit code 52).
        from pyspark import TaskContext
        import time as _t
        if i == 0 and TaskContext.get().attemptNumber() == 0:
            _t.sleep(3)  # a few heartbeats carry this executor's metrics first
            return 700_000_000
        return 10

    n = F.udf(oom_count, "int")
    (spark.range(0, 2, 1, 2).select(F.length(F.repeat(F.lit("x"), n("id"))).alias("len"))
     .agg(F.sum("len")).collect())
    _wait_for_executors(sc, 2)

    def sigkill_executor(it):
        # First attempt of partition 1 SIGKILLs its own executor JVM, exactly what the kernel
        # OOM killer or a container memory limit does (exit status 128 + 9 = 137).
        from pyspark import TaskContext
        import os as _os
        import signal as _signal
        import time as _t
        tc = TaskContext.get()
        rows = list(it)
        if tc.partitionId() == 1 and tc.attemptNumber() == 0:
            _t.sleep(3)
            pid = _os.getppid()
            while pid > 1:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if b"CoarseGrainedExecutorBackend" in fh.read():
                        _os.kill(pid, _signal.SIGKILL)
                        _t.sleep(30)  # this worker dies with its JVM
                        break
                with open(f"/proc/{pid}/stat") as fh:
                    pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        yield len(rows)

    sc.parallelize(range(1000), 2).mapPartitions(sigkill_executor).sum()
    _wait_for_executors(sc, 2)
    spark.range(0, 100_000, 1, 2).selectExpr("max(id)").collect()


@scenario("no_stage_metrics", "no_stage_metrics", "local-cluster[3,1,1024]", {
    "spark.eventLog.logStageExecutorMetrics": "false",
    "spark.executor.memory": "512m",
})
def run_no_stage_metrics(spark, ctx):
    sc = spark.sparkContext
    _wait_for_executors(sc, 3)
    sc.parallelize(range(10_000), 1).map(lambda x: x * x).sum()


@scenario("streaming", "streaming", "local[2]", {
    "spark.eventLog.logStageExecutorMetrics": "true",
    "spark.sql.shuffle.partitions": "2",
})
def run_streaming(spark, ctx):
    from pyspark.sql import functions as F

    rate = (spark.readStream.format("rate").option("rowsPerSecond", 500)
            .option("numPartitions", 2).load())
    counts = (rate.withWatermark("timestamp", "4 seconds")
              .groupBy(F.window("timestamp", "2 seconds"), (F.col("value") % 50).alias("k"))
              .agg(F.count("*").alias("n"), F.max("value").alias("last")))
    q = (counts.writeStream.format("memory").queryName("rate_counts").outputMode("update")
         .trigger(processingTime="1 second")
         .option("checkpointLocation", str(Path(ctx["workdir"]) / "checkpoint"))
         .start())
    deadline = time.time() + 90
    while time.time() < deadline:
        p = q.lastProgress
        if p and p["batchId"] >= 6:
            break
        time.sleep(0.5)
    q.stop()
    ctx["result"]["query"] = {"id": str(q.id), "run_id": str(q.runId),
                              "last_batch": (q.lastProgress or {}).get("batchId")}


def _wait_for_executors(sc, n, timeout=120):
    """Block until n executors (plus the driver) are registered with the block manager."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sc._jsc.sc().getExecutorMemoryStatus().size() >= n + 1:
            return
        time.sleep(0.3)
    raise RuntimeError(f"only {sc._jsc.sc().getExecutorMemoryStatus().size() - 1} of {n} "
                       "executors registered")


FIXTURES = ["overallocated", "python_udf_heavy", "spilling", "cached", "local_mode", "rolled",
            "codecs", "inprogress", "executor_lost", "no_stage_metrics", "streaming"]
DERIVED = {"many_apps"}

# ----------------------------------------------------------------------------------------------
# Child side: one application per process.
# ----------------------------------------------------------------------------------------------


def child_main(name, workdir):
    spec = SCENARIOS[name]
    workdir = Path(workdir)
    eventlog_dir = workdir / "eventlog"
    eventlog_dir.mkdir(parents=True, exist_ok=True)
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(spec["master"]).appName(f"lakescope-{name}")
               .config("spark.eventLog.enabled", "true")
               .config("spark.eventLog.dir", eventlog_dir.as_uri())
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.pythonUDF.arrow.enabled", "false")
               .config("spark.pyspark.python", sys.executable)
               .config("spark.pyspark.driver.python", sys.executable)
               .config("spark.local.dir", str(workdir / "local")))
    for k, v in spec["confs"].items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    ctx = {"workdir": str(workdir), "eventlog_dir": str(eventlog_dir),
           "result": {"scenario": name, "app_id": spark.sparkContext.applicationId,
                      "app_name": f"lakescope-{name}", "master": spec["master"],
                      "confs": spec["confs"]}}
    try:
        spec["body"](spark, ctx)
    finally:
        spark.stop()
    (workdir / "result.json").write_text(json.dumps(ctx["result"], indent=2))


# ----------------------------------------------------------------------------------------------
# Event-log readers, used to verify what Spark wrote. Pure Python except zstd.
# ----------------------------------------------------------------------------------------------


class Truncated(Exception):
    pass


def _lz4_block(src, out_len):
    """Decode one raw LZ4 block (the payload of an lz4-java LZ4Block)."""
    out = bytearray()
    i, n = 0, len(src)
    while i < n:
        token = src[i]; i += 1
        lit = token >> 4
        if lit == 15:
            while True:
                b = src[i]; i += 1; lit += b
                if b != 255:
                    break
        out += src[i:i + lit]; i += lit
        if i >= n:
            break
        off = src[i] | (src[i + 1] << 8); i += 2
        ml = token & 15
        if ml == 15:
            while True:
                b = src[i]; i += 1; ml += b
                if b != 255:
                    break
        ml += 4
        start = len(out) - off
        if off >= ml:
            out += out[start:start + ml]
        else:
            for k in range(ml):
                out.append(out[start + k])
    if len(out) != out_len:
        raise ValueError(f"lz4 block decoded to {len(out)} bytes, header says {out_len}")
    return bytes(out)


def decode_lz4_java(raw):
    """lz4-java LZ4BlockOutputStream: 'LZ4Block' + token + 3 LE ints + payload, repeated."""
    out, pos, ended = [], 0, False
    while pos < len(raw):
        if len(raw) - pos < 21:
            raise Truncated("lz4: partial block header")
        if raw[pos:pos + 8] != b"LZ4Block":
            raise ValueError(f"lz4: bad magic at {pos}")
        token = raw[pos + 8]
        clen, dlen, _check = struct.unpack_from("<iii", raw, pos + 9)
        pos += 21
        if clen == 0 and dlen == 0:
            ended = True
            continue
        if len(raw) - pos < clen:
            raise Truncated("lz4: partial block")
        payload = raw[pos:pos + clen]; pos += clen
        out.append(payload if token & 0xF0 == 0x10 else _lz4_block(payload, dlen))
    return b"".join(out), ended


def _snappy_raw(src):
    i, length, shift = 0, 0, 0
    while True:
        b = src[i]; i += 1
        length |= (b & 0x7F) << shift; shift += 7
        if b < 0x80:
            break
    out = bytearray()
    while i < len(src):
        tag = src[i]; i += 1
        kind = tag & 3
        if kind == 0:
            ln = tag >> 2
            if ln >= 60:
                nb = ln - 59
                ln = int.from_bytes(src[i:i + nb], "little"); i += nb
            ln += 1
            out += src[i:i + ln]; i += ln
            continue
        if kind == 1:
            ln = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | src[i]; i += 1
        elif kind == 2:
            ln = (tag >> 2) + 1
            off = int.from_bytes(src[i:i + 2], "little"); i += 2
        else:
            ln = (tag >> 2) + 1
            off = int.from_bytes(src[i:i + 4], "little"); i += 4
        start = len(out) - off
        if off >= ln:
            out += out[start:start + ln]
        else:
            for k in range(ln):
                out.append(out[start + k])
    if len(out) != length:
        raise ValueError("snappy: length mismatch")
    return bytes(out)


def decode_snappy_java(raw):
    """snappy-java SnappyOutputStream: 16-byte header, then (BE int32 length, raw snappy) blocks."""
    if raw[:8] != b"\x82SNAPPY\x00":
        raise ValueError("snappy: bad magic")
    out, pos = [], 16
    while pos < len(raw):
        if len(raw) - pos < 4:
            raise Truncated("snappy: partial length")
        (clen,) = struct.unpack_from(">i", raw, pos); pos += 4
        if len(raw) - pos < clen:
            raise Truncated("snappy: partial block")
        out.append(_snappy_raw(raw[pos:pos + clen])); pos += clen
    return b"".join(out), None  # the format has no end marker


def _lzf_chunk(src, out_len):
    out = bytearray()
    i = 0
    while i < len(src):
        ctrl = src[i]; i += 1
        if ctrl < 32:
            out += src[i:i + ctrl + 1]; i += ctrl + 1
            continue
        ln = ctrl >> 5
        if ln == 7:
            ln += src[i]; i += 1
        start = len(out) - ((ctrl & 0x1F) << 8) - src[i] - 1; i += 1
        ln += 2
        if len(out) - start >= ln:
            out += out[start:start + ln]
        else:
            for k in range(ln):
                out.append(out[start + k])
    if len(out) != out_len:
        raise ValueError("lzf: length mismatch")
    return bytes(out)


def decode_lzf(raw):
    """compress-lzf streams: 'ZV' + type 0 (stored: len) or 1 (compressed: clen, len) chunks."""
    out, pos = [], 0
    while pos < len(raw):
        if raw[pos:pos + 2] != b"ZV":
            raise ValueError(f"lzf: bad chunk magic at {pos}")
        kind = raw[pos + 2]
        if kind == 0:
            (ln,) = struct.unpack_from(">H", raw, pos + 3); pos += 5
            out.append(raw[pos:pos + ln]); pos += ln
        else:
            clen, ln = struct.unpack_from(">HH", raw, pos + 3); pos += 7
            if len(raw) - pos < clen:
                raise Truncated("lzf: partial chunk")
            out.append(_lzf_chunk(raw[pos:pos + clen], ln)); pos += clen
    return b"".join(out), None


def decode_zstd(raw):
    """Concatenated zstd frames (Spark's writer ends a frame at every flush)."""
    import zstandard

    d = zstandard.ZstdDecompressor()
    out, pos, frames, complete = [], 0, 0, True
    while pos < len(raw):
        obj = d.decompressobj()
        out.append(obj.decompress(raw[pos:]))
        frames += 1
        if not obj.eof:
            complete = False
            break
        pos = len(raw) - len(obj.unused_data)
    return b"".join(out), {"frames": frames, "last_frame_complete": complete}


def codec_of(name):
    base = name[:-len(".inprogress")] if name.endswith(".inprogress") else name
    suffix = base.rsplit(".", 1)[-1] if "." in base else ""
    return suffix if suffix in CODEC_SUFFIXES else "none"


def decode_file(path):
    raw = Path(path).read_bytes()
    codec = codec_of(Path(path).name)
    info = {"codec": codec, "compressed_bytes": len(raw)}
    if codec == "none":
        data = raw
    elif codec == "zstd":
        data, extra = decode_zstd(raw)
        info.update(extra)
    elif codec == "lz4":
        data, ended = decode_lz4_java(raw)
        info["end_block"] = ended
    elif codec == "snappy":
        data, _ = decode_snappy_java(raw)
    else:
        data, _ = decode_lzf(raw)
    info["bytes"] = len(data)
    info["ends_with_newline"] = data.endswith(b"\n")
    return data, info


def log_entries(directory):
    """Event-log entries in a directory as the History Server sees them (hidden files skipped)."""
    out = []
    for p in sorted(Path(directory).iterdir()):
        if p.name.startswith(".") or p.name.endswith(".crc"):
            continue
        if p.is_dir() and p.name.startswith("eventlog_v2_"):
            out.append(p)
        elif p.is_file():
            out.append(p)
    return out


def read_log(entry):
    """Decode one log entry (file or eventlog_v2_ dir) into events plus file facts."""
    entry = Path(entry)
    files, chunks = [], []
    if entry.is_dir():
        evs = [p for p in entry.iterdir() if p.name.startswith("events_")]
        evs.sort(key=lambda p: int(p.name.split("_")[1]))
        status = [p.name for p in entry.iterdir() if p.name.startswith("appstatus_")]
    else:
        evs, status = [entry], None
    for p in evs:
        data, info = decode_file(p)
        info["name"] = p.name
        files.append(info)
        chunks.append(data)
    data = b"".join(chunks)
    lines = data.split(b"\n")
    events, partial = [], None
    for i, line in enumerate(lines):
        if not line:
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            if i != len(lines) - 1:
                raise
            partial = line.decode("utf-8", "replace")
    return {"entry": entry.name, "rolled": entry.is_dir(), "files": files,
            "appstatus": status, "events": events, "partial_last_line": partial,
            "uncompressed_bytes": len(data)}


# ----------------------------------------------------------------------------------------------
# Facts: what a reader must find in each application (written to manifest.json).
# ----------------------------------------------------------------------------------------------

PEAK_KEYS = ["JVMHeapMemory", "JVMOffHeapMemory", "OnHeapExecutionMemory",
             "OffHeapExecutionMemory", "OnHeapStorageMemory", "OffHeapStorageMemory",
             "ProcessTreeJVMRSSMemory", "ProcessTreePythonRSSMemory"]


KEEP_CONF = re.compile(r"spark\.(master|app\.name|executor\.(memory|pyspark|cores|instances|"
                       r"processTree|metrics|heartbeat)|driver\.memory|memory\.|eventLog\.|"
                       r"sql\.shuffle\.partitions)")


def app_facts(log):
    ev = log["events"]
    by = {}
    for e in ev:
        by.setdefault(e["Event"], []).append(e)
    start = (by.get("SparkListenerApplicationStart") or [{}])[0]
    env = (by.get("SparkListenerEnvironmentUpdate") or [{}])[0]
    props = env.get("Spark Properties", {})
    props = dict(props) if isinstance(props, dict) else {k: v for k, v in props}
    execs = {}

    def ex(eid):
        return execs.setdefault(eid, {"host": None, "added_ms": None, "removed_ms": None,
                                      "removed_reason": None, "tasks": 0, "failed_tasks": 0,
                                      "peak": {}, "telemetry": [], "peak_task_end": {},
                                      "peak_stage_metrics": {}, "peak_metrics_update": {}})

    for e in by.get("SparkListenerBlockManagerAdded", []):
        bm = e["Block Manager ID"]
        x = ex(bm["Executor ID"])
        x["host"] = bm["Host"]
        x["max_onheap_storage"] = e.get("Maximum Onheap Memory")
        x["max_offheap_storage"] = e.get("Maximum Offheap Memory")
        if bm["Executor ID"] == "driver":
            x["added_ms"] = e["Timestamp"]
    for e in by.get("SparkListenerExecutorAdded", []):
        x = ex(e["Executor ID"])
        x["added_ms"] = e["Timestamp"]
        x["host"] = e["Executor Info"]["Host"]
    for e in by.get("SparkListenerExecutorRemoved", []):
        x = ex(e["Executor ID"])
        x["removed_ms"] = e["Timestamp"]
        x["removed_reason"] = e["Removed Reason"]

    def bump(x, source, metrics):
        # "peak" follows the History Server: the max over every source, every metric name
        for dst, keys in ((x[source], PEAK_KEYS), (x["peak"], metrics)):
            for k in keys:
                v = metrics.get(k, 0)
                if v > dst.get(k, 0):
                    dst[k] = v

    spilled_mem = spilled_disk = 0
    task_end_reasons = {}
    for e in by.get("SparkListenerTaskEnd", []):
        x = ex(e["Task Info"]["Executor ID"])
        x["tasks"] += 1
        reason = e["Task End Reason"]["Reason"]
        if reason != "Success":
            x["failed_tasks"] += 1
            desc = reason
            if e["Task End Reason"].get("Class Name"):
                desc += ": " + e["Task End Reason"]["Class Name"]
            if e["Task End Reason"].get("Loss Reason"):
                desc += ": " + str(e["Task End Reason"]["Loss Reason"])
            task_end_reasons[desc] = task_end_reasons.get(desc, 0) + 1
        bump(x, "peak_task_end", e.get("Task Executor Metrics") or {})
        tm = e.get("Task Metrics") or {}
        spilled_mem += tm.get("Memory Bytes Spilled", 0)
        spilled_disk += tm.get("Disk Bytes Spilled", 0)
    for e in by.get("SparkListenerStageExecutorMetrics", []):
        bump(ex(e["Executor ID"]), "peak_stage_metrics", e["Executor Metrics"])
    # Spark 4 also logs the driver's own heartbeat metrics (Stage ID -1) as metrics updates
    for e in by.get("SparkListenerExecutorMetricsUpdate", []):
        for u in e.get("Executor Metrics Updated", []):
            bump(ex(e["Executor ID"]), "peak_metrics_update", u["Executor Metrics"])
    rps = [{"id": e["Resource Profile Id"],
            "executor": {k: v["Amount"] for k, v in e["Executor Resource Requests"].items()}}
           for e in by.get("SparkListenerResourceProfileAdded", [])]
    progress = by.get("org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent", [])
    streaming = None
    if progress:
        ps = [p["progress"] for p in progress]
        streaming = {
            "progress_events": len(ps),
            "batch_ids": [p["batchId"] for p in ps],
            "max_state_memory_used_bytes": max(
                (s.get("memoryUsedBytes", 0) for p in ps for s in p.get("stateOperators", [])),
                default=0),
            # the logged progress has no top-level row counts or rates: they live in sources[]
            "input_rows": [sum(s.get("numInputRows", 0) for s in p.get("sources", [])) for p in ps],
            "max_processed_rows_per_second": round(max(
                (s.get("processedRowsPerSecond", 0) for p in ps for s in p.get("sources", [])),
                default=0), 1),
            "batch_durations_ms": [p.get("batchDuration") for p in ps],
        }
    end = by.get("SparkListenerApplicationEnd")
    for x in execs.values():
        for key in ("peak_task_end", "peak_stage_metrics", "peak_metrics_update"):
            if not x[key] or not any(x[key].values()):
                x[key] = None
            else:
                x["telemetry"].append(key[len("peak_"):])
        if not x["telemetry"]:
            x["peak"] = None  # no telemetry at all: unknown, not zero
    return {
        "app_id": start.get("App ID"), "app_name": start.get("App Name"),
        "spark_version": (by.get("SparkListenerLogStart") or [{}])[0].get("Spark Version"),
        "start_ms": start.get("Timestamp"),
        "end_ms": end[0]["Timestamp"] if end else None,
        "completed": bool(end),
        "events": len(ev), "event_counts": {k: len(v) for k, v in sorted(by.items())},
        "confs": {k: v for k, v in sorted(props.items()) if KEEP_CONF.match(k)},
        "resource_profiles": rps,
        "executors": execs, "jobs": len(by.get("SparkListenerJobStart", [])),
        "stages": len(by.get("SparkListenerStageSubmitted", [])),
        "tasks": len(by.get("SparkListenerTaskEnd", [])),
        "failed_task_reasons": task_end_reasons,
        "memory_bytes_spilled": spilled_mem, "disk_bytes_spilled": spilled_disk,
        "streaming": streaming,
    }


# ----------------------------------------------------------------------------------------------
# Checks: every fixture must show what the README says it shows.
# ----------------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise CheckFailed(msg)


def peak(x, key):
    return (x["peak"] or {}).get(key, 0)


def check_fixture(fixture, apps):
    """apps: list of (log, facts). Raises CheckFailed."""
    need(apps, f"{fixture}: no applications")
    for log, f in apps:
        need(f["spark_version"] == "4.3.0", f"{fixture}: spark version {f['spark_version']}")
        need(f["app_id"], f"{fixture}/{log['entry']}: no ApplicationStart")
    facts = [f for _, f in apps]
    f = facts[0]
    non_driver = {k: v for k, v in f["executors"].items() if k != "driver"}
    if fixture == "overallocated":
        need(len(non_driver) == 2, "overallocated: 2 executors")
        for eid, x in non_driver.items():
            heap = peak(x, "JVMHeapMemory")
            need(0 < heap < 1500 * MiB // 2, f"overallocated: executor {eid} heap peak {heap}")
            need(peak(x, "ProcessTreeJVMRSSMemory") > 0, "overallocated: process tree RSS")
        need(f["resource_profiles"][0]["executor"].get("memoryOverhead") == 512,
             "overallocated: explicit overhead in resource profile")
    elif fixture == "python_udf_heavy":
        best = max(peak(x, "ProcessTreePythonRSSMemory") for x in non_driver.values())
        need(best > 100 * MiB, f"python_udf_heavy: Python RSS peak only {best}")
        need(f["resource_profiles"][0]["executor"].get("pyspark.memory") == 600,
             "python_udf_heavy: pyspark.memory in resource profile")
    elif fixture == "spilling":
        need(f["memory_bytes_spilled"] > 0 and f["disk_bytes_spilled"] > 0,
             f"spilling: spilled {f['memory_bytes_spilled']}/{f['disk_bytes_spilled']}")
        need(all(peak(x, "ProcessTreeJVMRSSMemory") == 0 for x in f["executors"].values()),
             "spilling: process-tree metrics should be off")
    elif fixture == "cached":
        need(max(peak(x, "OnHeapStorageMemory") for x in non_driver.values()) > 0,
             "cached: OnHeapStorageMemory")
        need(max(peak(x, "OffHeapStorageMemory") for x in non_driver.values()) > 0,
             "cached: OffHeapStorageMemory")
        need(f["event_counts"].get("SparkListenerBlockUpdated", 0) > 0, "cached: block updates")
    elif fixture == "local_mode":
        need(list(f["executors"]) == ["driver"], f"local_mode: executors {list(f['executors'])}")
        need(peak(f["executors"]["driver"], "JVMHeapMemory") > 0, "local_mode: driver heap peak")
    elif fixture == "rolled":
        log = apps[0][0]
        need(log["rolled"] and len(log["files"]) >= 2, "rolled: >= 2 event files")
        need(any(s.startswith("appstatus_") and not s.endswith(".inprogress")
                 for s in log["appstatus"]), "rolled: appstatus marker")
    elif fixture == "codecs":
        seen = sorted(log["files"][0]["codec"] for log, _ in apps)
        need(seen == sorted(CODEC_SUFFIXES + ("none",)), f"codecs: {seen}")
        need(all(not log["rolled"] and x["completed"] for log, x in apps), "codecs: single files")
    elif fixture == "inprogress":
        need(all(not x["completed"] for x in facts), "inprogress: an app has ApplicationEnd")
        plain = [log for log, _ in apps if not log["rolled"] and log["files"][0]["codec"] == "none"]
        need(plain and plain[0]["partial_last_line"], "inprogress: plain log not cut mid-line")
        rolled = [log for log, _ in apps if log["rolled"]]
        need(rolled and any(s.endswith(".inprogress") for s in rolled[0]["appstatus"]),
             "inprogress: rolled appstatus .inprogress marker")
        z = [log for log, _ in apps if not log["rolled"] and log["files"][0]["codec"] == "zstd"]
        need(z and not z[0]["files"][0]["last_frame_complete"],
             "inprogress: zstd copy should end inside an unfinished frame")
    elif fixture == "executor_lost":
        reasons = [x["removed_reason"] for x in f["executors"].values() if x["removed_reason"]]
        need(any("52" in r for r in reasons), f"executor_lost: no exit-52 removal in {reasons}")
        need(any("137" in r for r in reasons), f"executor_lost: no exit-137 removal in {reasons}")
        lost = [x for x in f["executors"].values() if x["removed_reason"]]
        need(any(x["peak_stage_metrics"] for x in lost),
             "executor_lost: removed executors have no stage-metrics peaks")
    elif fixture == "no_stage_metrics":
        need(len(non_driver) == 3, "no_stage_metrics: 3 executors")
        need(sum(1 for x in non_driver.values() if x["tasks"] == 0) == 2,
             "no_stage_metrics: exactly two executors ran no task")
        need(f["event_counts"].get("SparkListenerStageExecutorMetrics", 0) == 0,
             "no_stage_metrics: stage executor metrics present")
    elif fixture == "streaming":
        s = f["streaming"]
        need(s and s["progress_events"] >= 5, "streaming: too few progress events")
        need(s["max_state_memory_used_bytes"] > 0, "streaming: no state memory")
        need(sum(s["input_rows"]) > 0, "streaming: no input rows")
    elif fixture == "many_apps":
        need(len(apps) >= 5, "many_apps: fewer than 5 apps")


# ----------------------------------------------------------------------------------------------
# Parent side.
# ----------------------------------------------------------------------------------------------


def run_child(name, workdir, timeout):
    env = dict(os.environ)
    env.update({"SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOCAL_HOSTNAME": "localhost",
                "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable,
                "PYTHONHASHSEED": "0"})
    env.pop("SPARK_HOME", None)  # always the SPARK_HOME of the installed pyspark
    log_path = Path(workdir) / "child.log"
    t0 = time.time()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", name,
                                 str(workdir)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        finally:
            try:  # the JVM, workers and executors live in this process group
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if rc != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-40:]
        raise RuntimeError(f"scenario {name} failed (exit {rc}); last lines of {log_path}:\n"
                           + "\n".join(tail))
    return json.loads((Path(workdir) / "result.json").read_text()), time.time() - t0


def collect(name, workdir, dest):
    """Move what the child produced into the fixture directory."""
    workdir = Path(workdir)
    src = workdir / "snapshot" if (workdir / "snapshot").exists() else workdir / "eventlog"
    dest.mkdir(parents=True, exist_ok=True)
    moved = []
    for p in src.iterdir():
        if p.name.startswith(".") or p.name.endswith(".crc"):
            continue
        target = dest / p.name
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        # rolled dirs keep Hadoop's hidden .crc side files, as on a real cluster: readers skip them
        shutil.copytree(p, target) if p.is_dir() else shutil.copy2(p, target)
        moved.append(p.name)
    return moved


def build_many_apps(out):
    """A directory of mixed applications: every codec, a rolled dir, two in-progress logs."""
    dest = out / "many_apps"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir()
    picks = log_entries(out / "codecs") + log_entries(out / "local_mode") + [
        p for p in log_entries(out / "inprogress") if p.is_file()]
    for p in picks:
        shutil.copytree(p, dest / p.name) if p.is_dir() else shutil.copy2(p, dest / p.name)


def verify(out, results):
    manifest = {"spark_version": None, "java": _java_version(), "fixtures": {}}
    ok = True
    for fixture in FIXTURES + sorted(DERIVED):
        d = out / fixture
        if not d.exists():
            continue
        apps = []
        for entry in log_entries(d):
            log = read_log(entry)
            apps.append((log, app_facts(log)))
        try:
            check_fixture(fixture, apps)
            status = "ok"
        except CheckFailed as e:
            ok = False
            status = f"FAILED: {e}"
        print(f"[check] {fixture:17s} {status}", file=sys.stderr)
        entries = []
        for log, f in apps:
            manifest["spark_version"] = manifest["spark_version"] or f["spark_version"]
            extra = results.get(f["app_id"], {})
            entries.append({
                "path": f"{fixture}/{log['entry']}", "rolled": log["rolled"],
                "files": log["files"], "appstatus": log["appstatus"],
                "uncompressed_bytes": log["uncompressed_bytes"],
                "partial_last_line_bytes": len(log["partial_last_line"] or ""),
                **f, **({"generator": extra} if extra else {}),
            })
        manifest["fixtures"][fixture] = {
            "status": status, "bytes_on_disk": _du(d), "applications": entries}
    manifest["total_bytes_on_disk"] = sum(v["bytes_on_disk"] for v in manifest["fixtures"].values())
    return manifest, ok


def _du(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _java_version():
    try:
        r = subprocess.run(["java", "-version"], capture_output=True, text=True)
        return r.stderr.splitlines()[0] if r.stderr else None
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output dir (default: %(default)s)")
    ap.add_argument("--only", action="append", choices=FIXTURES + sorted(DERIVED),
                    help="regenerate only this fixture (repeatable); others are kept")
    ap.add_argument("--check-only", action="store_true", help="only verify and rewrite manifest")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per application")
    ap.add_argument("--keep-work", action="store_true", help="keep the temporary work dirs")
    ap.add_argument("--child", nargs=2, metavar=("SCENARIO", "WORKDIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(*args.child)
        return 0

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    old = out / "manifest.json"
    results = {}
    if old.exists():  # keep generator notes of fixtures not regenerated now
        for fx in json.loads(old.read_text()).get("fixtures", {}).values():
            for a in fx["applications"]:
                if a.get("generator"):
                    results[a["app_id"]] = a["generator"]
    if not args.check_only:
        fixtures = args.only or FIXTURES + sorted(DERIVED)
        work = Path(tempfile.mkdtemp(prefix="lakescope-spark-gen-"))
        try:
            for fixture in fixtures:
                if fixture in DERIVED:
                    continue
                if (out / fixture).exists():
                    shutil.rmtree(out / fixture)
                for name, spec in SCENARIOS.items():
                    if spec["fixture"] != fixture:
                        continue
                    wd = work / name
                    wd.mkdir()
                    print(f"[run] {name} ({spec['master']}) ...", file=sys.stderr, flush=True)
                    res, secs = run_child(name, wd, args.timeout)
                    res["seconds"] = round(secs, 1)
                    res["files"] = collect(name, wd, out / fixture)
                    results[res["app_id"]] = res
                    print(f"[run] {name}: {res['app_id']} in {secs:.0f}s -> {res['files']}",
                          file=sys.stderr, flush=True)
            if "many_apps" in fixtures or not args.only:
                build_many_apps(out)
        finally:
            if args.keep_work:
                print(f"[run] work dirs kept in {work}", file=sys.stderr)
            else:
                shutil.rmtree(work, ignore_errors=True)
    manifest, ok = verify(out, results)
    old.write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    print(f"[done] {manifest['total_bytes_on_disk']} bytes in {out}; manifest: {old}",
          file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
