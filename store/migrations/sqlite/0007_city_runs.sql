-- A city runs on it: green channels and priorities on incidents; the unit
-- an escalated order went to, the callback's own limit and its failed
-- attempts on orders; notices addressed to a role (the callback team, the
-- supervisors) rather than a unit.
ALTER TABLE incidents ADD COLUMN green_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;

ALTER TABLE orders ADD COLUMN escalated_to INTEGER REFERENCES units(id);
ALTER TABLE orders ADD COLUMN callback_due INTEGER;
ALTER TABLE orders ADD COLUMN callback_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN partner INTEGER NOT NULL DEFAULT 0;
CREATE INDEX orders_escalated_to ON orders(escalated_to) WHERE escalated_to IS NOT NULL;

-- SQLite cannot drop NOT NULL from a column: the notices table is rebuilt.
CREATE TABLE notices_new (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    order_id    INTEGER REFERENCES orders(id),
    incident_id INTEGER REFERENCES incidents(id),
    unit_id     INTEGER REFERENCES units(id),
    text        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER,
    reply       TEXT NOT NULL DEFAULT '',
    replied_by  INTEGER,
    replied_at  INTEGER,
    stage       TEXT NOT NULL DEFAULT '',
    to_role     TEXT NOT NULL DEFAULT ''
);
INSERT INTO notices_new (id, kind, order_id, incident_id, unit_id, text, created_by, created_at, due_at, reply, replied_by, replied_at, stage)
    SELECT id, kind, order_id, incident_id, unit_id, text, created_by, created_at, due_at, reply, replied_by, replied_at, stage FROM notices;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_unit ON notices(unit_id, created_at);
CREATE INDEX notices_order ON notices(order_id);
CREATE INDEX notices_role ON notices(to_role, created_at) WHERE unit_id IS NULL;
