-- The findings of each collection run, so the overview from the store lists them (ranked by dollars per
-- month) without reading every table again. Each finding is kept whole as JSON (its commands, reason,
-- partition and compaction figures are display text the overview shows unchanged); `kind` and `bytes`
-- are columns for whoever queries the store directly. One row per (run, table, position): a rerun is a
-- new run with its own rows.
CREATE TABLE run_findings (
    run_id  TEXT NOT NULL,
    target  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    kind    TEXT NOT NULL,
    bytes   BIGINT NOT NULL,
    finding TEXT NOT NULL,
    PRIMARY KEY (run_id, target, seq)
);

-- What a run's findings were computed with: the rules and the price profile (JSON), so the overview can
-- say which rules applied and re-price the bytes when asked for another profile.
CREATE TABLE run_findings_basis (
    run_id  TEXT PRIMARY KEY,
    rules   TEXT NOT NULL,
    profile TEXT NOT NULL
);
