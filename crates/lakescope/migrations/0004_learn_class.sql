-- Trainer mode: the class a user belongs to. A trainer creates a class (role 'trainer'); trainees join
-- it with its code (role 'learner') and the name the trainer will see in the class table. One row per
-- user and role: joining another class replaces the old one. Times are epoch milliseconds.
CREATE TABLE learn_class (
    user_name    TEXT NOT NULL,
    role         TEXT NOT NULL,
    class_code   TEXT NOT NULL,
    learner_name TEXT NOT NULL,
    set_ms       BIGINT NOT NULL,
    PRIMARY KEY (user_name, role)
);
