-- The overview from the store (`lakescope overview --from-store`, the app's Overview before a live read):
-- totals, per-schema bytes and growth computed with SQL aggregates over the latest collected snapshots.
-- Numbered 0007 so that migrations other features add in parallel (0005, 0006) land in either order.
--
-- Growth needs each table's own history (live bytes after every version), not only the days a collector
-- happened to run: `collect` records the versions it reads here, once per version (idempotent reruns).
-- `version` is the ordering key the history uses (Delta version, Iceberg snapshot id) for versions that
-- share a timestamp; `version_id` keeps it as exact text.
CREATE TABLE table_versions (
    source       TEXT NOT NULL,
    namespace    TEXT NOT NULL,
    name         TEXT NOT NULL,
    version_id   TEXT NOT NULL,
    version      BIGINT NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    data_bytes   BIGINT NOT NULL,
    PRIMARY KEY (source, namespace, name, version_id)
);
-- "The last version at or before t" for one table is an index range scan, not a table scan.
CREATE INDEX table_versions_by_time ON table_versions (source, namespace, name, timestamp_ms, version);

-- "The latest snapshot of every table on a day" without sorting the whole table.
CREATE INDEX table_snapshots_by_day ON table_snapshots (day, source, namespace, name, collected_ms);
-- "The latest finished run at or before as-of".
CREATE INDEX collection_runs_by_as_of ON collection_runs (as_of_ms);
