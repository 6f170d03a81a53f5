-- Trust (issue 12): the access log of callers' personal data; uploads that
-- belong to what they were sent with; sign-in throttling shared by every
-- server; the hash chain of the record.

-- Every full read and every reveal of a caller's name and phone.
CREATE TABLE pii_access (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind        TEXT NOT NULL,
    via         TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pii_access_at ON pii_access(at);
CREATE INDEX pii_access_incident ON pii_access(incident_id, at);

-- An upload is stored in the transaction that attaches it, so it always
-- belongs to an incident (and to an order for an order's action); quotas
-- count bytes per account and per address.
ALTER TABLE uploads ADD COLUMN incident_id INTEGER REFERENCES incidents(id);
ALTER TABLE uploads ADD COLUMN order_id INTEGER REFERENCES orders(id);
ALTER TABLE uploads ADD COLUMN addr TEXT NOT NULL DEFAULT '';
UPDATE uploads SET
    incident_id = (SELECT e.incident_id FROM events e WHERE e.attachments LIKE '%/uploads/' || uploads.token || '"%' ORDER BY e.id LIMIT 1),
    order_id = (SELECT e.order_id FROM events e WHERE e.attachments LIKE '%/uploads/' || uploads.token || '"%' ORDER BY e.id LIMIT 1);
DELETE FROM uploads WHERE incident_id IS NULL;
CREATE INDEX uploads_incident ON uploads(incident_id);
CREATE INDEX uploads_by_user ON uploads(created_by, created_at);
CREATE INDEX uploads_by_addr ON uploads(addr, created_at);

-- Failed sign-ins (and citizens' reports) per key: an account at an
-- address, an address; read and written by every server.
CREATE TABLE throttle (
    key        TEXT PRIMARY KEY,
    failures   INTEGER NOT NULL,
    first_at   INTEGER NOT NULL,
    last_at    INTEGER NOT NULL,
    until_at   INTEGER NOT NULL
);
CREATE INDEX throttle_last ON throttle(last_at);

-- /readyz writes here: the database accepts a write.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL
);
