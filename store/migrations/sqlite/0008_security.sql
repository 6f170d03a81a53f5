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

-- The record's hash chain (tamper evidence): each event carries a hash over
-- its content and the hash of its incident's previous event. Events before
-- this migration (ids up to chain_meta.legacy_max) are sealed once, in id
-- order, when the migration runs; the only update the record allows is
-- that one sealing of an unsealed event, content unchanged.
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE chain_meta (
    id         INTEGER PRIMARY KEY,
    legacy_max INTEGER NOT NULL
);
INSERT INTO chain_meta (id, legacy_max) SELECT 1, COALESCE(MAX(id), 0) FROM events;
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (OLD.hash = '' AND NEW.hash <> '' AND OLD.id <= (SELECT legacy_max FROM chain_meta WHERE id = 1)
    AND NEW.id = OLD.id AND NEW.incident_id = OLD.incident_id AND NEW.order_id IS OLD.order_id AND NEW.at = OLD.at
    AND NEW.actor_id = OLD.actor_id AND NEW.kind = OLD.kind AND NEW.from_state = OLD.from_state AND NEW.to_state = OLD.to_state
    AND NEW.note = OLD.note AND NEW.data = OLD.data AND NEW.attachments = OLD.attachments)
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

-- Each day's chain head (over the hashes of the day's events), stored when
-- the daily bulletin is made and printed in it and in the log, so that a
-- copy kept elsewhere can anchor it.
CREATE TABLE chain_heads (
    day     TEXT PRIMARY KEY,
    head    TEXT NOT NULL,
    events  INTEGER NOT NULL,
    made_at INTEGER NOT NULL
);

-- API tokens expire (90 days unless issued otherwise) and are listed and
-- revoked by their owner and by admins; console sessions end after a
-- while idle.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
UPDATE api_tokens SET expires_at = created_at + 7776000000;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;
CREATE INDEX sessions_user ON sessions(user_id);
