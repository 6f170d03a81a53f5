-- Bulletins (通报): the rates of each unit for a day, week or month, made
-- once per period by the scheduler and kept.
CREATE TABLE bulletins (
    id         INTEGER PRIMARY KEY,
    period     TEXT NOT NULL CHECK (period IN ('day','week','month')),
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (period, starts_at)
);
