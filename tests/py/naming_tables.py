"""Write Delta tables that break the built-in naming rules, with deltalake (delta-rs), into a copy of
the demo's Delta source, as a team member would.

Usage:
  naming_tables.py DELTA_ROOT   -> {"<schema>.<table>": {"version", "owner", "comment"}}

  mart/revenue_by_day       owner + comment, but no `mart_` prefix
  ods/ods_events            owner, no comment
  staging/tmp_load          owner + comment, in a schema no rule allows
  usr_asmith/asmith_scratch no owner, no comment, not prefixed `usr_asmith_`
"""
import json
import os
import sys

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

root = sys.argv[1]
tables = [
    ("mart", "revenue_by_day", "finance-analytics", "Revenue per day, rebuilt nightly"),
    ("ods", "ods_events", "data-eng", None),
    ("staging", "tmp_load", "data-eng", "Load scratch"),
    ("usr_asmith", "asmith_scratch", None, None),
]
data = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "v": pa.array(["a", "b", "c"])})
out = {}
for schema, name, owner, comment in tables:
    path = os.path.join(root, schema, name)
    write_deltalake(path, data, mode="error", name=name, description=comment)
    dt = DeltaTable(path)
    if owner:
        # deltalake refuses keys it does not know at create time; ALTER TABLE SET TBLPROPERTIES takes them.
        dt.alter.set_table_properties({"owner": owner}, raise_if_not_exists=False)
        dt = DeltaTable(path)
    meta = dt.metadata()
    out[f"{schema}.{name}"] = {
        "version": dt.version(),
        "owner": meta.configuration.get("owner"),
        "comment": meta.description,
    }
print(json.dumps(out))
# deltalake's native threads sometimes abort the interpreter's teardown after the answer is printed.
sys.stdout.flush()
os._exit(0)
