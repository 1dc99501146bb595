"""Register the demo lakehouse's tables in a Hive metastore schema, the way Hive, Iceberg's HiveCatalog and
Spark register them, and say what was registered.

Usage:
  hms_load.py DEMO_DIR   -> {"sql": {"postgres": "...", "mysql": "..."}, "databases": [...], "tables": [...]}

The SQL inserts rows into the tables of tests/hms/hive-schema-3.1.0.{postgres,mysql}.sql:
- Hive-style Parquet tables as EXTERNAL_TABLEs with ParquetHiveSerDe, Hadoop-style `file:/…` locations,
  one PARTITIONS row per `dt=` directory with numFiles/numRows/totalSize/transient_lastDdlTime (rows from
  each file's footer via pyarrow, bytes from the filesystem), and table totals;
- Iceberg tables as HiveCatalog does: table_type=ICEBERG and metadata_location (taken from the demo's SQL
  catalog, catalog.db), columns from the current schema;
- Delta tables as Spark does: spark.sql.sources.provider=delta, the real location in the SerDe's `path`
  parameter, a placeholder in SDS.LOCATION and the `col array<string>` stand-in column.
"tables" lists what was inserted (owner, comment, params, partition keys and partitions with locations)
so a test can compare a metastore reader with it.
"""
import json
import os
import sqlite3
import sys
import tomllib

import pyarrow.parquet as pq

PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_IN = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
ICEBERG_SERDE = "org.apache.iceberg.mr.hive.HiveIcebergSerDe"
ICEBERG_IN = "org.apache.iceberg.mr.hive.HiveIcebergInputFormat"
ICEBERG_OUT = "org.apache.iceberg.mr.hive.HiveIcebergOutputFormat"
LAZY_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
SEQ_IN = "org.apache.hadoop.mapred.SequenceFileInputFormat"
SEQ_OUT = "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat"


def hive_type_of_arrow(t):
    import pyarrow as pa

    if pa.types.is_int64(t):
        return "bigint"
    if pa.types.is_int32(t):
        return "int"
    if pa.types.is_int16(t):
        return "smallint"
    if pa.types.is_int8(t):
        return "tinyint"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_float64(t):
        return "double"
    if pa.types.is_float32(t):
        return "float"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_binary(t):
        return "binary"
    return str(t)


ICEBERG_TYPES = {"long": "bigint", "int": "int", "string": "string", "double": "double", "float": "float",
                 "boolean": "boolean", "date": "date", "timestamp": "timestamp",
                 "timestamptz": "timestamp with local time zone", "binary": "binary", "uuid": "string"}


def hadoop_uri(path):
    """Hive and Hadoop write local locations as `file:/path` (one slash)."""
    return "file:" + path


def file_url(path):
    return "file://" + path


def files_under(root):
    out = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            full = os.path.join(d, n)
            rel = os.path.relpath(full, root)
            if all(not c.startswith(("_", ".")) for c in rel.split("/")) and n.endswith(".parquet"):
                out.append(full)
    return out


ORDER = ["DBS", "DATABASE_PARAMS", "SERDES", "SERDE_PARAMS", "CDS", "COLUMNS_V2", "SDS", "TBLS", "TABLE_PARAMS",
         "PARTITION_KEYS", "PARTITIONS", "PARTITION_KEY_VALS", "PARTITION_PARAMS"]


class Sql:
    def __init__(self):
        self.rows = []  # (table, {col: value})

    def insert(self, table, **cols):
        self.rows.append((table, cols))

    def render(self, flavour):
        q = (lambda s: f'"{s}"') if flavour == "postgres" else (lambda s: f"`{s}`")
        out = []
        # Parents before children, so the schema's foreign keys hold after every statement.
        for table, cols in sorted(self.rows, key=lambda r: ORDER.index(r[0])):
            names = ", ".join(q(c) for c in cols)
            vals = ", ".join(lit(v, flavour) for v in cols.values())
            out.append(f"INSERT INTO {q(table)} ({names}) VALUES ({vals});")
        return "\n".join(out) + "\n"


def lit(v, flavour):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    s = str(v).replace("'", "''")
    if flavour == "mysql":
        s = s.replace("\\", "\\\\")
    return f"'{s}'"


def main(demo):
    demo = os.path.abspath(demo)
    repo = os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(repo, "assets/demo/recipe.toml"), "rb") as f:
        recipe = tomllib.load(f)
    cat = sqlite3.connect(f"file:{os.path.join(demo, 'catalog.db')}?mode=ro", uri=True)
    metadata = {(ns, name): loc for ns, name, loc in
                cat.execute("SELECT table_namespace, table_name, metadata_location FROM iceberg_tables")}

    sql = Sql()
    ids = {"db": 0, "tbl": 0, "sd": 0, "serde": 0, "cd": 0, "part": 0}

    def next_id(kind):
        ids[kind] += 1
        return ids[kind]

    databases, tables = {}, []
    namespaces = sorted({t["namespace"] for t in recipe["table"]})
    for ns in namespaces:
        db_id = next_id("db")
        loc = hadoop_uri(os.path.join(demo, "hive", f"{ns}.db"))
        owner = "jdoe" if ns.startswith("usr_") else "hive"
        sql.insert("DBS", DB_ID=db_id, DESC=f"{ns} layer of the demo lakehouse", DB_LOCATION_URI=loc, NAME=ns,
                   OWNER_NAME=owner, OWNER_TYPE="USER", CTLG_NAME="hive")
        sql.insert("DATABASE_PARAMS", DB_ID=db_id, PARAM_KEY="layer", PARAM_VALUE=ns.split("_")[0])
        databases[ns] = db_id

    def storage(location, serde, inp, outp, columns, serde_params=()):
        serde_id = next_id("serde")
        sql.insert("SERDES", SERDE_ID=serde_id, NAME=None, SLIB=serde)
        for k, v in serde_params:
            sql.insert("SERDE_PARAMS", SERDE_ID=serde_id, PARAM_KEY=k, PARAM_VALUE=v)
        cd_id = next_id("cd")
        sql.insert("CDS", CD_ID=cd_id)
        for i, (name, typ, comment) in enumerate(columns):
            sql.insert("COLUMNS_V2", CD_ID=cd_id, COMMENT=comment, COLUMN_NAME=name, TYPE_NAME=typ, INTEGER_IDX=i)
        sd_id = next_id("sd")
        sql.insert("SDS", SD_ID=sd_id, INPUT_FORMAT=inp, IS_COMPRESSED=False, LOCATION=location, NUM_BUCKETS=-1,
                   OUTPUT_FORMAT=outp, SERDE_ID=serde_id, CD_ID=cd_id, IS_STOREDASSUBDIRECTORIES=False)
        return sd_id

    for t in recipe["table"]:
        ns, name, fmt = t["namespace"], t["name"], t["format"]
        tbl_id = next_id("tbl")
        params = {"comment": t["comment"]}
        partition_keys, partitions = [], []
        if fmt == "parquet":
            root = os.path.join(demo, "hive", f"{ns}.db", name)
            files = files_under(root)
            schema = pq.read_schema(files[0])
            part_dirs = sorted(d for d in os.listdir(root) if "=" in d and not d.startswith(("_", ".")))
            key = part_dirs[0].split("=", 1)[0] if part_dirs else None
            columns = [(f.name, hive_type_of_arrow(f.type), None) for f in schema if f.name != key]
            sd_id = storage(hadoop_uri(root), PARQUET_SERDE, PARQUET_IN, PARQUET_OUT, columns,
                            [("serialization.format", "1")])
            mtimes = [int(os.path.getmtime(f)) for f in files]
            create, ddl = min(mtimes), max(mtimes)
            if key:
                partition_keys.append({"name": key, "type": "string", "comment": "event date"})
                sql.insert("PARTITION_KEYS", TBL_ID=tbl_id, PKEY_COMMENT="event date", PKEY_NAME=key,
                           PKEY_TYPE="string", INTEGER_IDX=0)
            total_rows = total_bytes = total_files = 0
            for d in part_dirs:
                pfiles = files_under(os.path.join(root, d))
                rows = sum(pq.read_metadata(f).num_rows for f in pfiles)
                size = sum(os.path.getsize(f) for f in pfiles)
                pddl = max(int(os.path.getmtime(f)) for f in pfiles) if pfiles else ddl
                total_rows, total_bytes, total_files = total_rows + rows, total_bytes + size, total_files + len(pfiles)
                part_id = next_id("part")
                ploc = hadoop_uri(os.path.join(root, d))
                psd = storage(ploc, PARQUET_SERDE, PARQUET_IN, PARQUET_OUT, columns, [("serialization.format", "1")])
                sql.insert("PARTITIONS", PART_ID=part_id, CREATE_TIME=pddl, LAST_ACCESS_TIME=0, PART_NAME=d,
                           SD_ID=psd, TBL_ID=tbl_id)
                sql.insert("PARTITION_KEY_VALS", PART_ID=part_id, PART_KEY_VAL=d.split("=", 1)[1], INTEGER_IDX=0)
                pparams = {"numFiles": str(len(pfiles)), "numRows": str(rows), "totalSize": str(size),
                           "transient_lastDdlTime": str(pddl)}
                for k, v in pparams.items():
                    sql.insert("PARTITION_PARAMS", PART_ID=part_id, PARAM_KEY=k, PARAM_VALUE=v)
                partitions.append({"name": d, "values": [d.split("=", 1)[1]], "location": file_url(os.path.join(root, d)),
                                   "params": pparams})
            params.update({"EXTERNAL": "TRUE", "numFiles": str(total_files), "numRows": str(total_rows),
                           "totalSize": str(total_bytes), "transient_lastDdlTime": str(ddl)})
            tbl_type, location = "EXTERNAL_TABLE", file_url(root)
        elif fmt == "iceberg":
            ml = metadata[(ns, name)]
            with open(ml.removeprefix("file://")) as f:
                meta = json.load(f)
            schema = next(s for s in meta["schemas"] if s["schema-id"] == meta["current-schema-id"])
            columns = [(c["name"], ICEBERG_TYPES.get(c["type"], c["type"]) if isinstance(c["type"], str) else "struct",
                        c.get("doc")) for c in schema["fields"]]
            root = meta["location"].removeprefix("file://")
            sd_id = storage(hadoop_uri(root), ICEBERG_SERDE, ICEBERG_IN, ICEBERG_OUT, columns)
            create = int(meta["last-updated-ms"] // 1000)
            ddl = create
            params.update({"EXTERNAL": "TRUE", "table_type": "ICEBERG", "metadata_location": ml,
                           "storage_handler": "org.apache.iceberg.mr.hive.HiveIcebergStorageHandler",
                           "transient_lastDdlTime": str(ddl)})
            tbl_type, location = "EXTERNAL_TABLE", file_url(root)
        else:  # delta, as Spark's session catalog registers a data source table it cannot map to Hive
            root = os.path.join(demo, "delta", ns, name)
            log = os.path.join(root, "_delta_log")
            ddl = max(int(os.path.getmtime(os.path.join(log, n))) for n in os.listdir(log))
            create = ddl
            sd_id = storage(hadoop_uri(root) + "-__PLACEHOLDER__", LAZY_SERDE, SEQ_IN, SEQ_OUT,
                            [("col", "array<string>", "from deserializer")],
                            [("path", hadoop_uri(root)), ("serialization.format", "1")])
            params.update({"EXTERNAL": "TRUE", "spark.sql.sources.provider": "delta",
                           "spark.sql.create.version": "4.0.0", "transient_lastDdlTime": str(ddl)})
            tbl_type, location = "EXTERNAL_TABLE", file_url(root)
        sql.insert("TBLS", TBL_ID=tbl_id, CREATE_TIME=create, DB_ID=databases[ns], LAST_ACCESS_TIME=0,
                   OWNER=t["owner"], OWNER_TYPE="USER", RETENTION=0, SD_ID=sd_id, TBL_NAME=name,
                   TBL_TYPE=tbl_type, VIEW_EXPANDED_TEXT=None, VIEW_ORIGINAL_TEXT=None, IS_REWRITE_ENABLED=False)
        for k, v in params.items():
            sql.insert("TABLE_PARAMS", TBL_ID=tbl_id, PARAM_KEY=k, PARAM_VALUE=v)
        tables.append({"namespace": ns, "name": name, "format": fmt, "location": location, "owner": t["owner"],
                       "comment": t["comment"], "table_type": tbl_type, "create_time_ms": create * 1000,
                       "params": params, "partition_keys": partition_keys, "partitions": partitions})

    json.dump({"sql": {"postgres": sql.render("postgres"), "mysql": sql.render("mysql")},
               "databases": [{"name": ns, "location": file_url(os.path.join(demo, "hive", f"{ns}.db"))}
                             for ns in namespaces],
               "tables": tables}, sys.stdout)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
