-- Lakescope's own state: collection runs and the size snapshots they record.
-- Portable SQL: the same file runs on SQLite (the default store) and PostgreSQL (a team's store).
-- No autoincrement (spelled differently per database): runs are keyed by a UUID, snapshots by what
-- they describe. Times are epoch milliseconds, sizes bytes. Nothing secret is ever stored here.

CREATE TABLE collection_runs (
    run_id          TEXT PRIMARY KEY,
    started_ms      BIGINT NOT NULL,
    finished_ms     BIGINT,
    as_of_ms        BIGINT NOT NULL,
    sources_file    TEXT,
    tables_total    BIGINT NOT NULL DEFAULT 0,
    tables_recorded BIGINT NOT NULL DEFAULT 0,
    tables_present  BIGINT NOT NULL DEFAULT 0,
    tables_failed   BIGINT NOT NULL DEFAULT 0
);

-- One row per table, version and UTC day: collecting twice on a day without a new version records
-- nothing new, which is what makes reruns (and resuming a killed run) idempotent.
CREATE TABLE table_snapshots (
    source            TEXT NOT NULL,
    namespace         TEXT NOT NULL,
    name              TEXT NOT NULL,
    day               TEXT NOT NULL,
    version_key       TEXT NOT NULL,
    run_id            TEXT NOT NULL,
    format            TEXT NOT NULL,
    location          TEXT NOT NULL,
    collected_ms      BIGINT NOT NULL,
    version_id        TEXT,
    version_ms        BIGINT,
    records           BIGINT,
    data_files        BIGINT NOT NULL,
    data_bytes        BIGINT NOT NULL,
    total_bytes       BIGINT NOT NULL,
    total_files       BIGINT NOT NULL,
    live_bytes        BIGINT NOT NULL,
    old_version_bytes BIGINT NOT NULL,
    orphan_bytes      BIGINT NOT NULL,
    metadata_bytes    BIGINT NOT NULL,
    reclaimable_bytes BIGINT NOT NULL,
    PRIMARY KEY (source, namespace, name, day, version_key)
);
CREATE INDEX table_snapshots_by_time ON table_snapshots (collected_ms);

-- What a source's storage holds per top-level prefix, tables or not (a `du` at depth 1).
CREATE TABLE prefix_snapshots (
    source       TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    day          TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    collected_ms BIGINT NOT NULL,
    bytes        BIGINT NOT NULL,
    objects      BIGINT NOT NULL,
    PRIMARY KEY (source, prefix, day)
);

-- Tables (or prefixes) that could not be read in a run, and why.
CREATE TABLE collection_errors (
    run_id    TEXT NOT NULL,
    target    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    message   TEXT NOT NULL,
    PRIMARY KEY (run_id, target)
);
