-- Triage and routing at intake, repeat calls, deadlines, duty rosters,
-- routing rules, settings, catalogue versions, console sessions, uploads.
ALTER TABLE incidents ADD COLUMN triage TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN route TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN catalog_version TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN repeat_of INTEGER REFERENCES incidents(id);
CREATE INDEX incidents_area_category ON incidents(area_id, category, received_at);
CREATE INDEX incidents_address ON incidents(address, received_at);

ALTER TABLE orders ADD COLUMN sign_due INTEGER;
ALTER TABLE orders ADD COLUMN arrive_due INTEGER;
ALTER TABLE orders ADD COLUMN feedback_due INTEGER;
ALTER TABLE orders ADD COLUMN close_due INTEGER;

CREATE TABLE shifts (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    person     TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_unit ON shifts(unit_id, starts_at);
CREATE INDEX shifts_time ON shifts(ends_at);

CREATE TABLE routing_rules (
    id        INTEGER PRIMARY KEY,
    category  TEXT NOT NULL DEFAULT '',
    unit_type TEXT NOT NULL DEFAULT '',
    area_id   INTEGER REFERENCES areas(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    note      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE catalog_versions (
    id         INTEGER PRIMARY KEY,
    version    TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_by   INTEGER,
    created_at   INTEGER NOT NULL
);
