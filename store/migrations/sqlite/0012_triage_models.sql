-- Trained triage models, kept as versions (issue 15). At most one is
-- active; none active means the built-in model. The settings row
-- 'triage.model' names the active id so every server notices a switch.
CREATE TABLE triage_models (
    id              INTEGER PRIMARY KEY,
    version         TEXT NOT NULL UNIQUE,
    catalog_version TEXT NOT NULL,
    body            BLOB NOT NULL,
    size            INTEGER NOT NULL,
    evaluation      TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_by      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    active          INTEGER NOT NULL DEFAULT 0,
    activated_at    INTEGER NOT NULL DEFAULT 0
);
