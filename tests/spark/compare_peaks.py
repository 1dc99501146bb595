#!/usr/bin/env python3
"""Check that peaks recomputed from the raw event logs equal the History Server's answers.

This pins the rule `lakescope spark` must implement, using real data:
  executor peakMemoryMetrics = per-metric max over its task-end "Task Executor Metrics", its
      SparkListenerStageExecutorMetrics and (driver) its logged SparkListenerExecutorMetricsUpdate;
  stage attempt executorSummary[e].peakMemoryMetrics = max over that stage attempt's task-end
      metrics on e and its SparkListenerStageExecutorMetrics for e.
It also checks removal reasons. Zero values are ignored on both sides (the server reports all-zero
or absent peaks where the logs have no telemetry).

Usage (after running history_server.py on each fixture directory):
    python tests/spark/compare_peaks.py assets/spark/logs tests/spark/expected
Needs assets/spark/generate.py's decoders (and so `zstandard`). Exit 1 on any difference.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "assets" / "spark"))
import generate as g  # noqa: E402


def bump(dst, metrics):
    for k, v in (metrics or {}).items():
        if v > dst.get(k, 0):
            dst[k] = v


def nonzero(m):
    return {k: v for k, v in (m or {}).items() if v}


def main(logs_dir, answers_dir):
    diffs = executors = pairs = 0
    for answer_file in sorted(Path(answers_dir).glob("*.json")):
        fixture = Path(logs_dir) / answer_file.stem
        if not fixture.is_dir():
            continue
        answer = {a["id"]: a for a in json.loads(answer_file.read_text())["applications"]}
        for entry in g.log_entries(fixture):
            events = g.read_log(entry)["events"]
            app_id = next(e["App ID"] for e in events if e["Event"] == "SparkListenerApplicationStart")
            execs, stages, reasons = {}, {}, {}
            for e in events:
                ev = e["Event"]
                if ev == "SparkListenerTaskEnd":
                    eid = e["Task Info"]["Executor ID"]
                    bump(execs.setdefault(eid, {}), e.get("Task Executor Metrics"))
                    bump(stages.setdefault((e["Stage ID"], e["Stage Attempt ID"], eid), {}),
                         e.get("Task Executor Metrics"))
                elif ev == "SparkListenerStageExecutorMetrics":
                    eid = e["Executor ID"]
                    bump(execs.setdefault(eid, {}), e["Executor Metrics"])
                    bump(stages.setdefault((e["Stage ID"], e["Stage Attempt ID"], eid), {}),
                         e["Executor Metrics"])
                elif ev == "SparkListenerExecutorMetricsUpdate":
                    for u in e.get("Executor Metrics Updated", []):
                        bump(execs.setdefault(e["Executor ID"], {}), u["Executor Metrics"])
                elif ev == "SparkListenerExecutorRemoved":
                    reasons[e["Executor ID"]] = e["Removed Reason"]
            app = answer[app_id]
            for x in app["allexecutors"]:
                executors += 1
                mine, theirs = nonzero(execs.get(x["id"])), nonzero(x.get("peakMemoryMetrics"))
                if mine != theirs:
                    diffs += 1
                    print(f"{fixture.name} {app_id} executor {x['id']}: log {mine} != server {theirs}")
                if reasons.get(x["id"]) != x.get("removeReason"):
                    diffs += 1
                    print(f"{fixture.name} {app_id} executor {x['id']}: removal "
                          f"{reasons.get(x['id'])!r} != {x.get('removeReason')!r}")
            for st in app["stages"]:
                for eid, s in (st.get("executorSummary") or {}).items():
                    pairs += 1
                    mine = nonzero(stages.get((st["stageId"], st["attemptId"], eid)))
                    theirs = nonzero(s.get("peakMemoryMetrics"))
                    if mine != theirs:
                        diffs += 1
                        print(f"{fixture.name} {app_id} stage {st['stageId']}.{st['attemptId']} "
                              f"executor {eid}: log {mine} != server {theirs}")
    print(f"compared {executors} executors and {pairs} (stage attempt, executor) pairs: "
          f"{diffs} differences", file=sys.stderr)
    return 1 if diffs or not executors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
