"""Append to a Delta table with deltalake (delta-rs), as a pipeline would between two index refreshes.

Usage:
  lookup_append.py PATH   -> {"version": <new version>, "records": <rows after the append>}

Appends the table's first row again (same schema, so any table accepts it).
"""
import json
import os
import sys

from deltalake import DeltaTable, write_deltalake

path = sys.argv[1]
dt = DeltaTable(path)
one = dt.to_pyarrow_table().slice(0, 1)
write_deltalake(path, one, mode="append")
dt = DeltaTable(path)
print(json.dumps({"version": dt.version(), "records": dt.to_pyarrow_table().num_rows}))
# deltalake's native threads sometimes abort the interpreter's teardown (SIGABRT, "terminate called
# without an active exception") after the answer is printed; leave without that teardown.
sys.stdout.flush()
os._exit(0)
