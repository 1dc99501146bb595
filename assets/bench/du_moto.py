"""A moto S3 server holding N objects, for `lakescope bench du --s3-moto-objects N`.

PUTting a million objects over HTTP into moto takes about an hour, so the server is started here
(moto.server.ThreadedMotoServer, the server the integration tests use) and its own backend is filled
in-process with moto's `create_bucket` / `put_object`: real moto objects with real bodies, served over
real HTTP afterwards to every tool alike. Usage:

  du_moto.py BUCKET N        start on a free port, fill s3://BUCKET/warehouse/, print one JSON line
                             {"endpoint", "uri", "objects", "bytes", "fill_seconds"}, and serve until
                             stdin closes (so the server ends with the process that started it)

The layout is a warehouse's: warehouse/db_NN/table_NNN/dt=YYYY-MM-DD/part-NNNNN.parquet, 100 parts per
partition, 50 partitions per table, 20 tables per database; each table's first object is its
`_metadata.json` instead, beside its partition prefixes. Sizes vary from 1 to 1024 bytes (small bodies
keep a million objects to about half a GB of memory); "bytes" is their sum, what every tool must agree on.
"""

import datetime
import json
import logging
import os
import sys
import time

PARTS, DAYS, TABLES = 100, 50, 20


def key(i):
    part, day, table, db = i % PARTS, (i // PARTS) % DAYS, (i // (PARTS * DAYS)) % TABLES, i // (PARTS * DAYS * TABLES)
    t = f"warehouse/db_{db:02d}/table_{table:03d}"
    if part == 0 and day == 0:
        return f"{t}/_metadata.json"
    dt = datetime.date(2026, 1, 1) + datetime.timedelta(days=day)
    return f"{t}/dt={dt.isoformat()}/part-{part:05d}.parquet"


def size(i):
    return 1 + (i * 7919) % 1024


def main():
    bucket, n = sys.argv[1], int(sys.argv[2])
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on stderr
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    t0 = time.monotonic()
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(bucket, os.environ.get("AWS_REGION", "us-east-1"))
    body = b"p" * 1024
    total = 0
    for i in range(n):
        s = size(i)
        backend.put_object(bucket, key(i), body[:s], disable_notification=True)
        total += s
    sys.stdout.write(json.dumps({
        "endpoint": f"http://{host}:{port}",
        "uri": f"s3://{bucket}/warehouse",
        "objects": n,
        "bytes": total,
        "fill_seconds": round(time.monotonic() - t0, 1),
    }) + "\n")
    sys.stdout.flush()
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    server.stop()
    os._exit(0)


if __name__ == "__main__":
    main()
