"""What `aws s3 ls --recursive --summarize s3://bucket/prefix` does: boto3's list_objects_v2 paginator,
summing objects and bytes. Settings (endpoint, region, credentials) from the environment, as the AWS CLI
reads them. Prints {"objects", "bytes"}."""

import json
import os
import sys
from urllib.parse import urlparse

import boto3

u = urlparse(sys.argv[1])
prefix = u.path.strip("/")
s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT") or os.environ.get("AWS_ENDPOINT_URL"))
objects = 0
size = 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=u.netloc, Prefix=prefix + "/" if prefix else ""):
    for o in page.get("Contents", []):
        objects += 1
        size += o["Size"]
print(json.dumps({"objects": objects, "bytes": size}))
sys.stdout.flush()
os._exit(0)
