-- Numbered 0003 because another feature takes 0002; sqlx applies every unapplied migration in
-- version order, so the two land in either order.
-- Tutorial progress per user (the Learn page): one row per user and tutorial, replaced when restarted.
-- `step_reached` is the 0-based index of the step the learner is on; `elapsed_ms` sums the time spent
-- between recorded moves (gaps longer than the idle cap count as the cap, so an evening away does not
-- inflate "time taken"). Times are epoch milliseconds.
CREATE TABLE tutorial_progress (
    user_name    TEXT NOT NULL,
    tutorial_id  TEXT NOT NULL,
    started_ms   BIGINT NOT NULL,
    step_reached BIGINT NOT NULL,
    completed_ms BIGINT,
    elapsed_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL,
    PRIMARY KEY (user_name, tutorial_id)
);

-- One-off things a user has been shown or has dismissed (e.g. the first-launch tutorial offer).
CREATE TABLE user_flags (
    user_name TEXT NOT NULL,
    flag      TEXT NOT NULL,
    set_ms    BIGINT NOT NULL,
    PRIMARY KEY (user_name, flag)
);
