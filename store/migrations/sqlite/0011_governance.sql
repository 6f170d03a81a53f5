-- Fixing causes, not cases (警源治理): the areas' outlines (GeoJSON), the
-- address directory (标准地址库), class-level warnings (一类事预警) and
-- scenarios (治场景) with their measures and history.
ALTER TABLE areas ADD COLUMN outline TEXT NOT NULL DEFAULT '';

CREATE TABLE address_entries (
    id       INTEGER PRIMARY KEY,
    area_id  BIGINT NOT NULL REFERENCES areas(id),
    pattern  TEXT NOT NULL,
    from_no  INTEGER NOT NULL DEFAULT 0,
    to_no    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX address_entries_area ON address_entries(area_id);

-- One warning slip (预警单) per episode of a category in an area: the open
-- one (ended_at NULL) is unique.
CREATE TABLE class_warnings (
    id             INTEGER PRIMARY KEY,
    category       TEXT NOT NULL,
    area_id        BIGINT NOT NULL REFERENCES areas(id),
    opened_at      BIGINT NOT NULL,
    last_checked   BIGINT NOT NULL,
    ended_at       BIGINT,
    window_count   INTEGER NOT NULL,
    baseline       REAL NOT NULL,
    p_value        REAL NOT NULL,
    peak_count     INTEGER NOT NULL,
    street_unit_id BIGINT REFERENCES units(id),
    lead_unit_id   BIGINT REFERENCES units(id),
    evidence       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX class_warnings_open ON class_warnings(category, area_id) WHERE ended_at IS NULL;
CREATE INDEX class_warnings_opened ON class_warnings(opened_at);

CREATE TABLE scenarios (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    area_id       BIGINT NOT NULL REFERENCES areas(id),
    categories    TEXT NOT NULL,
    owner_unit_id BIGINT NOT NULL REFERENCES units(id),
    co_units      TEXT NOT NULL DEFAULT '',
    warning_id    BIGINT REFERENCES class_warnings(id),
    hold_days     INTEGER NOT NULL,
    opened_by     BIGINT NOT NULL REFERENCES users(id),
    opened_at     BIGINT NOT NULL,
    closed_at     BIGINT,
    closed_by     BIGINT REFERENCES users(id)
);

CREATE TABLE scenario_measures (
    id          INTEGER PRIMARY KEY,
    scenario_id BIGINT NOT NULL REFERENCES scenarios(id),
    text        TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    due_at      BIGINT NOT NULL,
    done_at     BIGINT
);
CREATE INDEX scenario_measures_scenario ON scenario_measures(scenario_id);

-- The scenario's history: opened, measures added, progress reported, closed.
CREATE TABLE scenario_events (
    id          INTEGER PRIMARY KEY,
    scenario_id BIGINT NOT NULL REFERENCES scenarios(id),
    measure_id  BIGINT REFERENCES scenario_measures(id),
    at          BIGINT NOT NULL,
    actor_id    BIGINT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scenario_events_scenario ON scenario_events(scenario_id, at);
