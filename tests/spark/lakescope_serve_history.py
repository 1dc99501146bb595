#!/usr/bin/env python3
"""Keep the real Spark History Server running on a log directory while a test talks to it.

`history_server.py` (the fixtures engineer's tool) starts the server, dumps its answers and stops it.
The test of Lakescope's own REST client needs the server *live*, so this script reuses that tool's
pieces to start it, waits until every log is listed, prints ONE line `{"url": "http://127.0.0.1:<port>"}`
and then keeps the server up until its standard input closes (or SIGTERM), when it stops the server's
whole process group. Standard library only, like the tool.

Usage: python tests/spark/lakescope_serve_history.py LOG_DIR [--timeout S]
"""

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import history_server as hs  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logs")
    ap.add_argument("--timeout", type=float, default=240)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lakescope-serve-shs-")
    server = None

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        log_dir = hs.prepare_log_dir(args.logs, tmp)
        entries = hs.log_entries(log_dir)
        if not entries:
            raise hs.ToolError(2, f"{log_dir}: no event logs")
        deadline = time.monotonic() + args.timeout
        server = hs.HistoryServer(hs.find_spark_home(None), hs.find_java()[0], log_dir, hs.free_port(), "1g", tmp)
        server.wait_up(deadline)
        hs.wait_listed(server, entries, deadline)
        print(json.dumps({"url": f"http://127.0.0.1:{server.port}"}), flush=True)
        sys.stdin.read()  # until the test closes our stdin
        return 0
    except hs.ToolError as e:
        print(f"lakescope_serve_history.py: error: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        return 130
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
