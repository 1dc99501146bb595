-- The lookup index: one row per table of every configured source, with what Ctrl+K and
-- `lakescope search` match on (names, columns, comments, owners) and show (size, freshness).
-- `fingerprint` is the cheap version/location check that decides whether a refresh re-reads a table.
-- Portable SQL (SQLite and PostgreSQL); JSON kept as TEXT, times epoch ms, sizes bytes.

CREATE TABLE lookup_tables (
    source            TEXT NOT NULL,
    namespace         TEXT NOT NULL,
    name              TEXT NOT NULL,
    source_kind       TEXT NOT NULL,
    format            TEXT NOT NULL,
    location          TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    layer             TEXT,
    owner             TEXT,
    comment           TEXT,
    columns_json      TEXT NOT NULL,
    partition_columns TEXT NOT NULL,
    records           BIGINT,
    data_files        BIGINT NOT NULL,
    data_bytes        BIGINT NOT NULL,
    total_bytes       BIGINT NOT NULL,
    last_modified_ms  BIGINT,
    indexed_ms        BIGINT NOT NULL,
    PRIMARY KEY (source, namespace, name)
);

-- Why a source, or a table of it, could not be indexed in the latest refresh of that source.
CREATE TABLE lookup_errors (
    source      TEXT NOT NULL,
    target      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    recorded_ms BIGINT NOT NULL,
    PRIMARY KEY (source, target)
);
