#!/usr/bin/env python3
"""Ask the real Spark History Server what it makes of a directory of event logs.

The Rust integration tests compare `lakescope spark` against this: the History Server shipped with
pyspark reads the same logs, and its REST answers are the reference numbers (`peakMemoryMetrics`,
removal reasons, stage `executorSummary` peaks, ...).

What it does:
  1. starts `$SPARK_HOME/bin/spark-class org.apache.spark.deploy.history.HistoryServer` in its own
     process group, with spark.history.fs.logDirectory=<dir>, the given or a free port on
     127.0.0.1, spark.history.fs.update.interval=1s and no spark.history.store.path (in-memory
     store: nothing is written outside a temp dir);
  2. waits until every event-log entry in the directory (plain/compressed files, `.inprogress`
     files, `eventlog_v2_*` rolled dirs; hidden and `.crc` files skipped, as Spark does) is listed;
  3. prints ONE JSON document on stdout: per application attempt the `/applications/<id>` summary,
     `/allexecutors`, `/jobs`, `/stages?details=true&withSummaries=false` (with each stage
     attempt's `executorSummary` and its `peakMemoryMetrics`; the per-task lists are dropped unless
     --tasks) and `/environment` (--slim drops its Hadoop/system properties and classpath),
     plus the tool's own timing;
  4. stops the server (SIGTERM, then SIGKILL, to the whole process group) on success, error or
     interrupt.

Only the Python standard library is used. Spark comes from --spark-home, $SPARK_HOME or the
installed `pyspark` package (`python -m pip install pyspark==4.3.0`); Java 17 from $JAVA_HOME or
PATH.

Usage:
    python tests/spark/history_server.py assets/spark/logs/executor_lost > answer.json
    python tests/spark/history_server.py LOG_DIR_OR_FILE [--port N] [--timeout S] [--tasks]
        [--slim] [--memory 1g] [--spark-home DIR] [--out FILE]

Exit status: 0 with the JSON on stdout; 2 bad arguments / no logs; 3 Java or Spark missing;
4 the server did not start; 5 an application never showed up or an endpoint failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CODECS = ("zstd", "lz4", "snappy", "lzf")


class ToolError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ----------------------------------------------------------------------------------------------
# Environment
# ----------------------------------------------------------------------------------------------


def find_spark_home(explicit):
    candidates = []
    if explicit:
        candidates.append(("--spark-home", Path(explicit)))
    if os.environ.get("SPARK_HOME"):
        candidates.append(("$SPARK_HOME", Path(os.environ["SPARK_HOME"])))
    spec = importlib.util.find_spec("pyspark")
    if spec and spec.submodule_search_locations:
        candidates.append(("pyspark package", Path(list(spec.submodule_search_locations)[0])))
    for origin, home in candidates:
        if (home / "bin" / "spark-class").is_file() and (home / "jars").is_dir():
            return home
        if origin != "pyspark package":
            raise ToolError(3, f"{origin} = {home} is not a Spark home (no bin/spark-class or jars/)")
    raise ToolError(3, "Spark not found: install it with `python -m pip install pyspark==4.3.0` "
                       "(for the Python running this tool) or set SPARK_HOME / --spark-home")


def find_java():
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "no `java` on PATH"
        raise ToolError(3, f"Java not found ({where}): the History Server needs a JDK/JRE 17+ "
                           "(Debian: apt-get install openjdk-17-jre-headless)")
    try:
        r = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ToolError(3, f"cannot run {java} -version: {e}")
    if r.returncode != 0:
        raise ToolError(3, f"{java} -version failed: {r.stderr.strip()}")
    return java, (r.stderr.strip().splitlines() or [""])[0]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------------------
# Event-log entries, named as Spark names them: <appId>[_<attemptId>][.<codec>][.inprogress]
# or eventlog_v2_<appId>[_<attemptId>]/
# ----------------------------------------------------------------------------------------------


def log_entries(directory):
    out = []
    for p in sorted(Path(directory).iterdir()):
        if p.name.startswith((".", "_")) or p.name.endswith(".crc"):
            continue
        if p.is_dir():
            if p.name.startswith("eventlog_v2_"):
                out.append(p)
        elif p.is_file():
            out.append(p)
    return out


def entry_key(p):
    name = p.name
    if name.startswith("eventlog_v2_"):
        return name[len("eventlog_v2_"):]
    if name.endswith(".inprogress"):
        name = name[:-len(".inprogress")]
    if "." in name and name.rsplit(".", 1)[1] in CODECS:
        name = name.rsplit(".", 1)[0]
    return name


def prepare_log_dir(path, tmp):
    """The History Server wants a directory: wrap a single file or eventlog_v2_ dir in one."""
    path = Path(path).resolve()
    if not path.exists():
        raise ToolError(2, f"{path}: no such file or directory")
    if path.is_file() or path.name.startswith("eventlog_v2_"):
        d = Path(tmp) / "logs"
        d.mkdir()
        (d / path.name).symlink_to(path)
        return d
    return path


# ----------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------


class HistoryServer:
    def __init__(self, spark_home, java, log_dir, port, memory, tmp):
        self.port = port
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.server_log = Path(tmp) / "history-server.log"
        conf_dir = Path(tmp) / "conf"      # empty: ignore any spark-defaults.conf / spark-env.sh
        conf_dir.mkdir()
        props = Path(tmp) / "history.properties"
        settings = {
            "spark.history.fs.logDirectory": "file:" + str(log_dir),
            "spark.history.ui.port": str(port),
            "spark.port.maxRetries": "0",          # fail instead of silently moving to port+1
            "spark.history.fs.update.interval": "1s",
            "spark.history.fs.cleaner.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
        }
        props.write_text("".join(f"{k}={_prop_escape(v)}\n" for k, v in settings.items()))
        env = dict(os.environ)
        env.update({"SPARK_HOME": str(spark_home), "SPARK_CONF_DIR": str(conf_dir),
                    "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_DAEMON_MEMORY": memory,
                    "SPARK_NO_DAEMONIZE": "1"})
        if java and not env.get("JAVA_HOME"):
            env["JAVA_HOME"] = str(Path(os.path.realpath(java)).parent.parent)
        self.cmd = [str(Path(spark_home) / "bin" / "spark-class"),
                    "org.apache.spark.deploy.history.HistoryServer", "--properties-file", str(props)]
        self._log = open(self.server_log, "wb")
        self.proc = subprocess.Popen(self.cmd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def log_text(self):
        try:
            return self.server_log.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, n=25):
        return "\n".join("    " + line for line in self.log_text().splitlines()[-n:])

    def finished_parsing(self, name):
        """Whether the server's log says it parsed this entry (FsHistoryProvider, INFO)."""
        return any(line.rstrip().endswith("/" + name) for line in self.log_text().splitlines()
                   if "Finished parsing " in line)

    def get(self, path, timeout=120):
        url = self.base + path
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return json.loads(r.read())

    def wait_up(self, deadline):
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log_text()
                if "BindException" in log or "Address already in use" in log:
                    raise ToolError(4, f"port {self.port} is already in use on 127.0.0.1: pick "
                                       "another with --port or leave it out for a free one")
                raise ToolError(4, f"History Server exited with code {self.proc.returncode} "
                                   f"before answering; its log:\n{self.log_tail()}")
            try:
                return self.get("/applications", timeout=5)
            # A server still starting (slow on a loaded machine) may answer with an empty body.
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, json.JSONDecodeError):
                time.sleep(0.2)
        raise ToolError(4, f"History Server did not answer on port {self.port} in time; "
                           f"its log:\n{self.log_tail()}")

    def stop(self):
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:  # the JVM is gone; make sure nothing else in its group survives
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._log.close()


def _prop_escape(v):
    return v.replace("\\", "\\\\")


# ----------------------------------------------------------------------------------------------
# Waiting and dumping
# ----------------------------------------------------------------------------------------------


def listed_keys(apps):
    keys, attempts = set(), 0
    for a in apps:
        keys.add(a["id"])
        for at in a.get("attempts", []):
            attempts += 1
            if at.get("attemptId"):
                keys.add(f"{a['id']}_{at['attemptId']}")
    return keys, attempts


def wait_listed(server, entries, deadline):
    wanted = {entry_key(p): p for p in entries}
    apps, all_parsed_at = [], None
    while True:
        apps = server.get("/applications")
        keys, attempts = listed_keys(apps)
        missing = [p for k, p in wanted.items() if k not in keys]
        if not missing or attempts >= len(entries):
            return apps
        if server.proc.poll() is not None:
            raise ToolError(4, f"History Server died (exit {server.proc.returncode}); its log:\n"
                               f"{server.log_tail()}")
        # Parsed but not listed: not an event log, or cut before SparkListenerApplicationStart.
        # Fail now instead of at the deadline (after a grace period for the listing to update).
        if all(server.finished_parsing(p.name) for p in missing):
            all_parsed_at = all_parsed_at or time.monotonic()
            if time.monotonic() - all_parsed_at > 3:
                names = ", ".join(p.name for p in missing)
                raise ToolError(5, f"the History Server parsed {names} but lists no application "
                                   "for it (not an event log, or it ends before the "
                                   "SparkListenerApplicationStart event)")
        else:
            all_parsed_at = None
        if time.monotonic() > deadline:
            names = ", ".join(p.name for p in missing)
            raise ToolError(5, f"{len(missing)} of {len(entries)} event logs never showed up as "
                               f"applications: {names}. History Server log (last lines):\n"
                               f"{server.log_tail()}")
        time.sleep(0.3)


SLIM_DROP = ("hadoopProperties", "systemProperties", "classpathEntries")


def dump_app(server, app, attempt, keep_tasks, slim):
    q = urllib.parse.quote
    base = f"/applications/{q(app['id'])}"
    if attempt.get("attemptId"):
        base += f"/{q(attempt['attemptId'])}"
    out = {"id": app["id"], "name": app.get("name"), "attempt_id": attempt.get("attemptId"),
           "completed": attempt.get("completed")}
    endpoints = {
        "summary": f"/applications/{q(app['id'])}",
        "allexecutors": base + "/allexecutors",
        "jobs": base + "/jobs",
        "stages": base + "/stages?details=true&withSummaries=false",
        "environment": base + "/environment",
    }
    for key, path in endpoints.items():
        try:
            out[key] = server.get(path)
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")[:500]
            raise ToolError(5, f"GET {server.base}{path} -> HTTP {e.code}: {body}")
        except (urllib.error.URLError, OSError) as e:
            raise ToolError(5, f"GET {server.base}{path} failed: {e}")
    if not keep_tasks:
        for st in out["stages"]:
            st.pop("tasks", None)
    if slim:
        for k in SLIM_DROP:
            out["environment"].pop(k, None)
    return out


def main():
    ap = argparse.ArgumentParser(
        description="Start the real Spark History Server on a directory of event logs and dump "
                    "its REST answers as one JSON document.")
    ap.add_argument("logs", help="directory of event logs (or one log file / eventlog_v2_ dir)")
    ap.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    ap.add_argument("--timeout", type=float, default=180,
                    help="seconds for the whole run: start, listing and dumping (default 180)")
    ap.add_argument("--tasks", action="store_true", help="keep the per-task lists in stages")
    ap.add_argument("--slim", action="store_true",
                    help="drop the bulky environment sections (hadoopProperties, "
                         "systemProperties, classpathEntries); used for tests/spark/expected/")
    ap.add_argument("--memory", default="1g", help="History Server heap (SPARK_DAEMON_MEMORY)")
    ap.add_argument("--spark-home", help="Spark home (default: $SPARK_HOME or the pyspark package)")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    args = ap.parse_args()

    t0 = time.monotonic()
    deadline = t0 + args.timeout
    server = None
    tmp = tempfile.mkdtemp(prefix="lakescope-shs-")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        log_dir = prepare_log_dir(args.logs, tmp)
        entries = log_entries(log_dir)
        if not entries:
            raise ToolError(2, f"{log_dir}: no event logs (files or eventlog_v2_* directories)")
        spark_home = find_spark_home(args.spark_home)
        java, java_version = find_java()
        port = args.port or free_port()
        t_start = time.monotonic()
        server = HistoryServer(spark_home, java, log_dir, port, args.memory, tmp)
        server.wait_up(deadline)
        t_up = time.monotonic()
        apps = wait_listed(server, entries, deadline)
        t_listed = time.monotonic()
        version = server.get("/version").get("spark")
        dumped = []
        for app in sorted(apps, key=lambda a: a["id"]):
            for attempt in app.get("attempts", []):
                dumped.append(dump_app(server, app, attempt, args.tasks, args.slim))
        t_done = time.monotonic()
        doc = {
            "tool": "tests/spark/history_server.py",
            "spark_version": version,
            "java": java_version,
            "log_dir": str(Path(args.logs).resolve()),
            "log_entries": [p.name for p in entries],
            "port": port,
            "timing_s": {
                "server_up": round(t_up - t_start, 3),
                "all_listed": round(t_listed - t_start, 3),
                "first_full_answer": round(t_done - t_start, 3),
            },
            "applications": dumped,
        }
        text = json.dumps(doc, indent=1) + "\n"
        if args.out:
            Path(args.out).write_text(text)
        else:
            sys.stdout.write(text)
        print(f"history_server.py: {len(dumped)} application attempts from {len(entries)} logs; "
              f"up in {t_up - t_start:.1f}s, full answer in {t_done - t_start:.1f}s",
              file=sys.stderr)
        return 0
    except ToolError as e:
        print(f"history_server.py: error: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt as e:
        print(f"history_server.py: interrupted ({e}); stopping the server", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
