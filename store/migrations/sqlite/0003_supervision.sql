-- Supervision: deadline timers fired exactly once, notices to units.
CREATE TABLE timers (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    kind     TEXT NOT NULL,
    fire_at  INTEGER NOT NULL,
    fired_at INTEGER
);
CREATE INDEX timers_due ON timers(fire_at) WHERE fired_at IS NULL;
CREATE INDEX timers_order ON timers(order_id);

CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    order_id    INTEGER REFERENCES orders(id),
    incident_id INTEGER REFERENCES incidents(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    text        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER,
    reply       TEXT NOT NULL DEFAULT '',
    replied_by  INTEGER,
    replied_at  INTEGER
);
CREATE INDEX notices_unit ON notices(unit_id, created_at);
CREATE INDEX notices_order ON notices(order_id);
CREATE INDEX incidents_repeat_of ON incidents(repeat_of);

ALTER TABLE orders ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
