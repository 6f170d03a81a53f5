-- Linked both ways (issue 13): the outbox written in the same transaction as
-- each change (also the change feed), the subscribers that receive it, each
-- with its own ordered stream (done_id: the last outbox entry it is done
-- with), the log of delivery attempts, the dead letters, and the answers kept
-- for Idempotency-Key. The outbox has no foreign keys: it is written last in
-- a transaction, under a lock, and must wait for nothing else.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    incident_id INTEGER,
    order_id    INTEGER,
    unit_id     INTEGER,
    event_id    INTEGER,
    notice_id   INTEGER,
    payload     TEXT NOT NULL
);
CREATE INDEX outbox_incident ON outbox(incident_id, id);

CREATE TABLE subscribers (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    url               TEXT NOT NULL,
    secret            TEXT NOT NULL,
    kinds             TEXT NOT NULL DEFAULT '[]',
    unit_ids          TEXT NOT NULL DEFAULT '[]',
    retry_for         INTEGER NOT NULL,
    active            INTEGER NOT NULL DEFAULT 1,
    created_by        INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    done_id           INTEGER NOT NULL DEFAULT 0,
    attempts          INTEGER NOT NULL DEFAULT 0,
    first_failed_at   INTEGER,
    next_at           INTEGER,
    last_error        TEXT NOT NULL DEFAULT '',
    delivered         INTEGER NOT NULL DEFAULT 0,
    failed            INTEGER NOT NULL DEFAULT 0,
    dead              INTEGER NOT NULL DEFAULT 0,
    last_delivered_at INTEGER,
    lease_owner       TEXT NOT NULL DEFAULT '',
    lease_until       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    outbox_id     INTEGER NOT NULL,
    attempt       INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    ok            INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    took_ms       INTEGER NOT NULL DEFAULT 0,
    replay        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_subscriber ON deliveries(subscriber_id, id);

CREATE TABLE dead_letters (
    id               INTEGER PRIMARY KEY,
    subscriber_id    INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    outbox_id        INTEGER NOT NULL,
    attempts         INTEGER NOT NULL,
    first_failed_at  INTEGER NOT NULL,
    dead_at          INTEGER NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    replay_at        INTEGER,
    replay_by        INTEGER,
    delivered_at     INTEGER
);
CREATE INDEX dead_letters_subscriber ON dead_letters(subscriber_id, id);
CREATE INDEX dead_letters_replay ON dead_letters(subscriber_id, id) WHERE replay_at IS NOT NULL AND delivered_at IS NULL;

CREATE TABLE idempotency_keys (
    user_id    INTEGER NOT NULL,
    key        TEXT NOT NULL,
    method     TEXT NOT NULL,
    path       TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
