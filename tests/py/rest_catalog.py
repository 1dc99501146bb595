"""Reference side of the REST catalog tests: pyiceberg's own RestCatalog client against the real server
that rest_server.py runs.

  rest_catalog.py write <uri> <prefix> <token>
  rest_catalog.py table <uri> <prefix> <token> <namespace.table>

`write` creates namespace `silver.sales` (and `bronze`, `silver` if the server has none) and tables `bronze.orders` (two appends,
a filtered overwrite, a row delete), `silver.sales.daily` (partitioned by region, one append) through the
catalog, and prints every table pyiceberg then lists with its metadata location. `table` prints the same
document as iceberg_truth.py's `table --scan`, for a table loaded through the REST catalog.

Output: one JSON document on stdout.
"""
import datetime as dt
import json
import os
import sys

import pyarrow as pa
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.expressions import EqualTo
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import DoubleType, LongType, NestedField, StringType, TimestampType

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from iceberg_truth import table_doc  # noqa: E402


def catalog(uri, prefix, token):
    return RestCatalog("rest", uri=uri, prefix=prefix, token=token)


def write_doc(cat):
    # Lakana makes bronze/silver/gold with each environment; tables live under those.
    for ns in ["bronze", "silver", ("silver", "sales")]:
        cat.create_namespace_if_not_exists(ns)
    orders = cat.create_table(
        "bronze.orders",
        schema=pa.schema([pa.field("id", pa.int64(), nullable=False), ("customer", pa.string()), ("amount", pa.float64())]),
    )
    orders.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "customer": ["ann", "bob", "cy"], "amount": [1.5, 2.0, 9.25]},
                           schema=orders.schema().as_arrow()))
    orders.append(pa.table({"id": pa.array([4, 5], pa.int64()), "customer": ["dee", "ann"], "amount": [3.0, 4.0]},
                           schema=orders.schema().as_arrow()))
    orders.overwrite(pa.table({"id": pa.array([6], pa.int64()), "customer": ["bob"], "amount": [7.0]}, schema=orders.schema().as_arrow()),
                     overwrite_filter=EqualTo("customer", "bob"))
    orders.delete(EqualTo("id", 1))

    schema = Schema(NestedField(1, "ts", TimestampType(), required=False), NestedField(2, "region", StringType(), required=False),
                    NestedField(3, "n", LongType(), required=False), NestedField(4, "x", DoubleType(), required=False))
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="region"))
    daily = cat.create_table(("silver", "sales", "daily"), schema=schema, partition_spec=spec)
    day = dt.datetime(2026, 11, 1)
    daily.append(pa.table({"ts": [day, day + dt.timedelta(days=1), day + dt.timedelta(days=1)], "region": ["eu", "us", "eu"],
                           "n": pa.array([1, 2, 3], pa.int64()), "x": [0.5, 1.5, 2.5]}, schema=daily.schema().as_arrow()))

    # Lakana lists nested namespaces at the top level too: each namespace once.
    out, seen = [], set()
    pending = [()]
    while pending:
        parent = pending.pop()
        for ns in cat.list_namespaces(parent):
            if ns in seen:
                continue
            seen.add(ns)
            pending.append(ns)
            for ident in cat.list_tables(ns):
                t = cat.load_table(ident)
                out.append({"namespace": ".".join(ident[:-1]), "name": ident[-1], "metadata_location": t.metadata_location,
                            "location": t.location()})
    return sorted(out, key=lambda t: (t["namespace"], t["name"]))


def main():
    cmd, uri, prefix, token = sys.argv[1:5]
    cat = catalog(uri, prefix, token)
    if cmd == "write":
        doc = write_doc(cat)
    elif cmd == "table":
        ident = tuple(sys.argv[5].split("."))
        doc = table_doc(cat.load_table(ident), True)
    else:
        sys.exit(f"unknown command {cmd}")
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
