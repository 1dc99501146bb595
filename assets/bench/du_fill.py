"""Fill an S3 prefix with N small objects for `lakescope bench du` (outside the timed part): keys
d<NNNNN>/f<NNNN>, 1000 per "directory", every 16th object 1-4095 bytes, the rest empty. Objects already
there are kept, so a second run with the same N uploads nothing. Endpoint and credentials from the
environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...). Prints {"objects", "created"}."""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import boto3
from botocore.config import Config

u = urlparse(sys.argv[1])
n = int(sys.argv[2])
bucket, prefix = u.netloc, u.path.strip("/")
base = prefix + "/" if prefix else ""
s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT"),
                  config=Config(max_pool_connections=32))
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
except Exception as e:  # noqa: BLE001 - moto and AWS word "already exists" differently
    if "BucketAlready" not in type(e).__name__ and "BucketAlready" not in str(e):
        raise
have = set()
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base):
    for o in page.get("Contents", []):
        have.add(o["Key"])


def key(i):
    return f"{base}d{i // 1000:05d}/f{i % 1000:04d}"


def put(i):
    size = (i * 37) % 4095 + 1 if i % 16 == 0 else 0
    s3.put_object(Bucket=bucket, Key=key(i), Body=b"x" * size)


missing = [i for i in range(n) if key(i) not in have]
with ThreadPoolExecutor(32) as pool:
    list(pool.map(put, missing))
print(json.dumps({"objects": len(have) + len(missing), "created": len(missing)}))
sys.stdout.flush()
os._exit(0)
