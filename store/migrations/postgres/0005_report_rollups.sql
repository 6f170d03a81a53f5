-- Report rollups: the counts behind the rates, per city-local day and month,
-- by unit, category and district, so that the dashboard answers from a few
-- hundred rows instead of millions of orders. Only what is built and has not
-- changed since is used; everything else is counted live (app/rollup.go).
ALTER TABLE incidents ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;
UPDATE incidents SET changed_at = created_at;
CREATE INDEX incidents_changed ON incidents(changed_at);
CREATE INDEX orders_updated ON orders(updated_at);

CREATE TABLE report_periods (
    period      TEXT PRIMARY KEY,   -- '2026-11-03' (day) or '2026-11' (month), city time
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    built_at    BIGINT NOT NULL,        -- the counts are as of this time, pending limits kept
    fingerprint TEXT NOT NULL       -- units, areas and catalogue they were built with
);
CREATE INDEX report_periods_starts ON report_periods(starts_at);

CREATE TABLE report_rollups (
    period TEXT NOT NULL,
    dim    TEXT NOT NULL CHECK (dim IN ('all','unit','category','area')),
    gkey   TEXT NOT NULL,
    counts BYTEA NOT NULL,          -- metrics.Counts.Encode (binary)
    PRIMARY KEY (period, dim, gkey)
);
