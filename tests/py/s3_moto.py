"""A real S3-compatible server (moto's server mode) and the reference answers about what is in it.

Used by tests/it/s3.rs. Credentials come from the environment (AWS_ACCESS_KEY_ID, ...), as for any S3
client; moto accepts any. Commands (ENDPOINT is http://127.0.0.1:<port>):

  serve                          start moto on a free port, print {"endpoint"}, serve until stdin closes
                                 (so the server ends with the test process that started it)
  upload ENDPOINT DIR S3URI      create the bucket if needed and upload every regular file under DIR
                                 (symlinks skipped), keys relative to DIR under S3URI's prefix
  put ENDPOINT S3URI KEY SIZE    one object of SIZE bytes at KEY under S3URI's prefix (a key ending in
                                 "/" is a directory marker, which no upload of files can make)
  list ENDPOINT S3URI DEPTH      what boto3's list_objects_v2 paginator sums, grouped like `du --depth`,
                                 with every key's ETag (to prove a browse changed nothing)
  walk DIR DEPTH                 the same sums from os.walk over a local directory (du --apparent-size)
  write-delta ENDPOINT S3URI     a small partitioned Delta table written by deltalake straight to S3
                                 (three commits), and deltalake's own numbers for it
  write-iceberg ENDPOINT S3URI CATALOG_DB
                                 a small Iceberg table written by pyiceberg's S3 FileIO (SQL catalog in a
                                 local SQLite file, warehouse on S3, two appends), and pyiceberg's numbers
  record ENDPOINT start|stop     moto's request recorder on or off (it records every request it serves)
  recorded ENDPOINT BUCKET       the recorded requests to BUCKET: [{"method","path"}], bodies left out
  iam-user ENDPOINT S3URI        on a server started with INITIAL_NO_AUTH_ACTION_COUNT=3: an IAM user
                                 allowed s3:* and its access key (the three unauthenticated requests),
                                 then, signed with that key, the bucket and one object under S3URI;
                                 prints {"key_id","secret","key","bytes"}
"""

import json
import os
import stat
import sys
from urllib.parse import urlparse


def out(doc):
    sys.stdout.write(json.dumps(doc))
    sys.stdout.write("\n")
    sys.stdout.flush()


def split(uri):
    u = urlparse(uri)
    return u.netloc, u.path.strip("/")


def client(endpoint):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"))


def group(rel, depth):
    if depth == 0:
        return None
    parts = rel.split("/")
    return "/".join(parts[:depth])


def tally(items, depth):
    """items: (relative path, size, etag-or-None)."""
    total_bytes = 0
    total_objects = 0
    children = {}
    etags = {}
    for rel, size, etag in items:
        total_bytes += size
        total_objects += 1
        g = group(rel, depth)
        if g is not None:
            c = children.setdefault(g, [0, 0])
            c[0] += size
            c[1] += 1
        if etag is not None:
            etags[rel] = etag
    return {
        "total_bytes": total_bytes,
        "total_objects": total_objects,
        "children": [{"name": k, "bytes": v[0], "objects": v[1]} for k, v in sorted(children.items())],
        "etags": etags,
    }


def serve():
    import tempfile

    # The recorder (off until `record start`) appends to this file; by default it would be the cwd.
    rec = tempfile.NamedTemporaryFile(prefix="moto-recording-", delete=False)
    os.environ["MOTO_RECORDER_FILEPATH"] = rec.name
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    out({"endpoint": f"http://{host}:{port}"})
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    server.stop()
    os._exit(0)


def upload(endpoint, root, uri):
    s3 = client(endpoint)
    bucket, prefix = split(uri)
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception:
        s3.create_bucket(Bucket=bucket)
    jobs = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            full = os.path.join(dirpath, f)
            if not stat.S_ISREG(os.lstat(full).st_mode):
                continue
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            jobs.append((full, f"{prefix}/{rel}" if prefix else rel))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda j: s3.upload_file(j[0], bucket, j[1]), jobs))
    out({"uploaded": len(jobs)})


def put(endpoint, uri, key, size):
    bucket, prefix = split(uri)
    ensure_bucket(endpoint, uri)
    client(endpoint).put_object(Bucket=bucket, Key=f"{prefix}/{key}" if prefix else key, Body=b"m" * int(size))
    out({"put": key})


def list_s3(endpoint, uri, depth):
    s3 = client(endpoint)
    bucket, prefix = split(uri)
    base = prefix + "/" if prefix else ""
    items = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base):
        for o in page.get("Contents", []):
            items.append((o["Key"][len(base):], o["Size"], o["ETag"]))
    out(tally(items, depth))


def walk(root, depth):
    items = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            full = os.path.join(dirpath, f)
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode):
                items.append((os.path.relpath(full, root).replace(os.sep, "/"), st.st_size, None))
    out(tally(items, depth))


def storage_options(endpoint):
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
        "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
        "AWS_ALLOW_HTTP": "true",
        "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
    }


def ensure_bucket(endpoint, uri):
    s3 = client(endpoint)
    bucket, _ = split(uri)
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception:
        s3.create_bucket(Bucket=bucket)


def write_delta(endpoint, uri):
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    ensure_bucket(endpoint, uri)
    so = storage_options(endpoint)
    for day, ids in [("2026-11-01", range(0, 50)), ("2026-11-02", range(50, 120)), ("2026-11-01", range(120, 130))]:
        t = pa.table({"id": pa.array(list(ids), pa.int64()), "day": pa.array([day] * len(ids))})
        write_deltalake(uri, t, mode="append", partition_by=["day"], storage_options=so)
    dt = DeltaTable(uri, storage_options=so)
    adds = pa.table(dt.get_add_actions(flatten=True)).to_pylist()
    out({
        "version": dt.version(),
        "data_files": len(adds),
        "data_bytes": sum(a["size_bytes"] for a in adds),
        "records": sum(a["num_records"] for a in adds),
    })


def write_iceberg(endpoint, uri, catalog_db):
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog

    ensure_bucket(endpoint, uri)
    cat = SqlCatalog(
        "s3test",
        uri=f"sqlite:///{catalog_db}",
        warehouse=uri,
        **{
            "s3.endpoint": endpoint,
            "s3.region": os.environ.get("AWS_REGION", "us-east-1"),
            "s3.access-key-id": os.environ["AWS_ACCESS_KEY_ID"],
            "s3.secret-access-key": os.environ["AWS_SECRET_ACCESS_KEY"],
            "s3.force-virtual-addressing": "false",
        },
    )
    cat.create_namespace_if_not_exists("ods")
    schema = pa.schema([pa.field("id", pa.int64()), pa.field("name", pa.string())])
    table = cat.create_table("ods.events", schema=schema)
    for lo, hi in [(0, 40), (40, 100)]:
        table.append(pa.table({"id": pa.array(range(lo, hi), pa.int64()), "name": [f"n{i}" for i in range(lo, hi)]}))
    table = cat.load_table("ods.events")
    snap = table.current_snapshot()
    files = list(table.inspect.files().to_pylist())
    out({
        "location": table.location(),
        "metadata_location": table.metadata_location,
        "snapshot_id": snap.snapshot_id,
        "data_files": len(files),
        "data_bytes": sum(f["file_size_in_bytes"] for f in files),
        "records": sum(f["record_count"] for f in files),
    })


def record(endpoint, action):
    import requests

    requests.post(f"{endpoint}/moto-api/recorder/{action}-recording", timeout=30).raise_for_status()
    out({"recording": action == "start"})


def recorded(endpoint, bucket):
    import requests

    r = requests.get(f"{endpoint}/moto-api/recorder/download-recording", timeout=60)
    r.raise_for_status()
    # moto's threads append to one file without a lock: an entry too big for one write (another test's
    # upload) can be split by others, so read every entry that decodes and count the rest.
    text, dec, i, found, unreadable = r.text, json.JSONDecoder(), 0, [], 0
    while (j := text.find('{"headers"', i)) >= 0:
        try:
            entry, i = dec.raw_decode(text, j)
        except ValueError:
            unreadable, i = unreadable + 1, j + 1
            continue
        u = urlparse(entry["url"])
        host_bucket = u.hostname.split(".")[0] if u.hostname and u.hostname.count(".") and not u.hostname[0].isdigit() else None
        path_bucket = u.path.lstrip("/").split("/")[0]
        if bucket in (host_bucket, path_bucket):
            found.append({"method": entry["method"], "path": u.path + (f"?{u.query}" if u.query else "")})
    if unreadable:
        print(f"{unreadable} recorded entries were cut by concurrent writes", file=sys.stderr)
    out(found)


def iam_user(endpoint, uri):
    import boto3

    region = "us-east-1"
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=region, aws_access_key_id="unauthenticated", aws_secret_access_key="unauthenticated")
    iam.create_user(UserName="lakescope-reader")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="lakescope-reader", PolicyName="s3", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="lakescope-reader")["AccessKey"]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    bucket, prefix = split(uri)
    s3.create_bucket(Bucket=bucket)
    body = b"written with the IAM user's key\n"
    s3.put_object(Bucket=bucket, Key=f"{prefix}/part-0.txt", Body=body)
    out({"key_id": key["AccessKeyId"], "secret": key["SecretAccessKey"], "key": f"{prefix}/part-0.txt", "bytes": len(body)})


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve()
    elif cmd == "upload":
        upload(*args)
    elif cmd == "put":
        put(*args)
    elif cmd == "list":
        list_s3(args[0], args[1], int(args[2]))
    elif cmd == "walk":
        walk(args[0], int(args[1]))
    elif cmd == "write-delta":
        write_delta(*args)
    elif cmd == "write-iceberg":
        write_iceberg(*args)
    elif cmd == "record":
        record(*args)
    elif cmd == "recorded":
        recorded(*args)
    elif cmd == "iam-user":
        iam_user(*args)
    else:
        sys.exit(f"unknown command {cmd}")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
