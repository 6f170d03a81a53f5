-- Fenliu schema, SQLite dialect. Times are Unix milliseconds (UTC).
CREATE TABLE areas (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    level     TEXT NOT NULL CHECK (level IN ('district','street','grid')),
    parent_id INTEGER REFERENCES areas(id),
    lat       REAL,
    lng       REAL
);
CREATE INDEX areas_parent ON areas(parent_id);

CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES units(id),
    duty_phone TEXT NOT NULL DEFAULT '',
    always_on  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE unit_areas (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    area_id INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (unit_id, area_id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit_id       INTEGER REFERENCES units(id),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY,
    tracking_no  TEXT NOT NULL UNIQUE,
    channel      TEXT NOT NULL,
    channel_ref  TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    caller_name  TEXT NOT NULL DEFAULT '',
    caller_phone TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    area_id      INTEGER REFERENCES areas(id),
    lat          REAL,
    lng          REAL,
    attachments  TEXT NOT NULL DEFAULT '[]',
    recorded_by  INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    disposition  TEXT NOT NULL DEFAULT '',
    category     TEXT NOT NULL DEFAULT '',
    hotline      TEXT NOT NULL DEFAULT '',
    decided_at   INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (channel, channel_ref)
);
CREATE INDEX incidents_received ON incidents(received_at);
CREATE INDEX incidents_phone ON incidents(caller_phone, received_at);

CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    role          TEXT NOT NULL CHECK (role IN ('lead','assist')),
    state         TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    from_order    INTEGER REFERENCES orders(id),
    dispatched_at INTEGER NOT NULL,
    signed_at     INTEGER,
    arrived_at    INTEGER,
    feedback_at   INTEGER,
    closed_at     INTEGER,
    callback_at   INTEGER,
    updated_at    INTEGER NOT NULL,
    feedback      TEXT NOT NULL DEFAULT '',
    solved        INTEGER,
    satisfaction  TEXT NOT NULL DEFAULT '',
    returns       INTEGER NOT NULL DEFAULT 0,
    reopens       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_unit_state ON orders(unit_id, state, dispatched_at);
CREATE INDEX orders_incident ON orders(incident_id);
CREATE INDEX orders_dispatched ON orders(dispatched_at);
CREATE INDEX orders_state ON orders(state, dispatched_at);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    order_id    INTEGER REFERENCES orders(id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    attachments TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX events_incident ON events(incident_id, id);
CREATE INDEX events_order ON events(order_id, id);

-- The record is immutable (全程留痕): corrections are new events.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
