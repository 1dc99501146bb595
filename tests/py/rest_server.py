"""A real Iceberg REST catalog server for the tests: Lakana's (PyPI `lakana-server`), started on a free
port over a SQLite metadata database and one environment `dev` whose warehouse is a local directory.

  rest_server.py <workdir>

Runs under its own interpreter ($LAKESCOPE_REST_PYTHON, `.venv-rest` from tests/py/requirements-rest.txt):
lakana-server pins an older botocore than moto's, so the two cannot share `.venv`. Prints one JSON line
{"uri", "prefix", "token", "warehouse"} once the catalog answers, then serves until its stdin closes —
the test process holds the pipe, so the server ends with the tests.
"""
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

KEY_ID = "lakescopetest"
PREFIX = "dev"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, token, body=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


def main():
    work = os.path.abspath(sys.argv[1])
    warehouse = os.path.join(work, "warehouse")
    os.makedirs(warehouse, exist_ok=True)
    secret = secrets.token_hex(16)
    token = f"lakana_pat_{KEY_ID}_{secret}"
    port = free_port()
    env = dict(os.environ)
    env.update({
        "LAKANA_DATABASE__URL": f"sqlite:///{os.path.join(work, 'lakana.db')}",
        "LAKANA_PORT": str(port),
        "LAKANA_HOST": "127.0.0.1",
        "LAKANA_BOOTSTRAP_PAT_KEY_ID": KEY_ID,
        "LAKANA_BOOTSTRAP_PAT_SECRET": secret,
        "LAKANA_LOG__ACCESS": "false",
    })
    log = open(os.path.join(work, "server.log"), "ab")
    subprocess.run([sys.executable, "-m", "lakana_server", "migrate"], env=env, check=True, stdout=log, stderr=log)
    server = subprocess.Popen([sys.executable, "-m", "lakana_server"], env=env, stdout=log, stderr=log)
    try:
        uri = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                call("GET", f"{uri}/v1/config", token)
                break
            except OSError:
                if server.poll() is not None:
                    sys.exit(f"lakana-server exited with {server.returncode}; see {work}/server.log")
                time.sleep(0.1)
        call("POST", f"{uri}/api/v1/environments", token,
             {"name": PREFIX, "storage": {"scheme": "file", "root": f"file://{warehouse}"}})
        print(json.dumps({"uri": uri, "prefix": PREFIX, "token": token, "warehouse": warehouse}), flush=True)
        sys.stdin.read()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
