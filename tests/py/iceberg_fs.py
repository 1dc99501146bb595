"""Reference side of the filesystem (Hadoop-style) warehouse tests.

  iceberg_fs.py write <dir>
  iceberg_fs.py table <metadata.json path>

`write` has pyiceberg write tables into <dir>/warehouse/<namespace…>/<table> (through a throw-away SQL
catalog kept outside the warehouse and deleted afterwards, so only the files remain), then adds
`metadata/version-hint.text` as Hadoop tables carry it: `ods/orders` (appends, an overwrite, a delete)
hinted at its current version, `mart/sales/daily` (partitioned) hinted one version behind — readers
follow a lagging hint forward — `ods/events` with no hint, and `ods/broken` hinted at version 42, which
does not exist. Prints [{namespace, name, location, current}] where `current` is the metadata file each
table's writer committed last.

`table` prints iceberg_truth.py's table document for pyiceberg's StaticTable of that metadata file.
Output: one JSON document on stdout.
"""
import json
import os
import re
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import StaticTable
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from iceberg_truth import table_doc  # noqa: E402


def version(metadata_location):
    return int(re.match(r"(\d+)-", os.path.basename(metadata_location)).group(1))


def hint(tbl, n):
    path = tbl.metadata_location.removeprefix("file://")
    with open(os.path.join(os.path.dirname(path), "version-hint.text"), "w") as f:
        f.write(f"{n}\n")


def write_doc(base):
    wh = os.path.join(base, "warehouse")
    db = os.path.join(base, "writer-catalog.db")
    cat = SqlCatalog("fs", uri=f"sqlite:///{db}", warehouse=f"file://{wh}")
    cat.create_namespace("ods")
    cat.create_namespace("mart")
    made = []

    def create(ident, folder, schema, **kw):
        t = cat.create_table(ident, schema=schema, location=f"file://{os.path.join(wh, *folder)}", **kw)
        made.append((folder, ident))
        return t

    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "customer", StringType(), required=False))
    orders = create("ods.orders", ["ods", "orders"], schema)
    arrow = orders.schema().as_arrow()
    orders.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "customer": ["ann", "bob", "cy"]}, schema=arrow))
    orders.append(pa.table({"id": pa.array([4], pa.int64()), "customer": ["bob"]}, schema=arrow))
    orders.overwrite(pa.table({"id": pa.array([5], pa.int64()), "customer": ["dee"]}, schema=arrow), overwrite_filter=EqualTo("customer", "bob"))
    orders.delete(EqualTo("id", 1))
    hint(orders, version(orders.metadata_location))

    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="customer"))
    daily = create("mart.daily", ["mart", "sales", "daily"], schema, partition_spec=spec)
    daily.append(pa.table({"id": pa.array([1, 2], pa.int64()), "customer": ["eu", "us"]}, schema=arrow))
    daily.append(pa.table({"id": pa.array([3], pa.int64()), "customer": ["eu"]}, schema=arrow))
    hint(daily, version(daily.metadata_location) - 1)

    events = create("ods.events", ["ods", "events"], schema)
    events.append(pa.table({"id": pa.array([7], pa.int64()), "customer": ["x"]}, schema=arrow))

    broken = create("ods.broken", ["ods", "broken"], schema)
    broken.append(pa.table({"id": pa.array([9], pa.int64()), "customer": ["y"]}, schema=arrow))
    hint(broken, 42)

    out = []
    for folder, ident in made:
        t = cat.load_table(ident)
        out.append({"namespace": ".".join(folder[:-1]), "name": folder[-1], "location": t.location(),
                    "current": t.metadata_location})
    os.remove(db)
    return sorted(out, key=lambda t: (t["namespace"], t["name"]))


def main():
    cmd = sys.argv[1]
    if cmd == "write":
        doc = write_doc(os.path.abspath(sys.argv[2]))
    elif cmd == "table":
        doc = table_doc(StaticTable.from_metadata(sys.argv[2]), True)
    else:
        sys.exit(f"unknown command {cmd}")
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
