-- A city runs on it: green channels and priorities on incidents; the unit
-- an escalated order went to, the callback's own limit and its failed
-- attempts on orders; notices addressed to a role (the callback team, the
-- supervisors) rather than a unit.
ALTER TABLE incidents ADD COLUMN green_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;

ALTER TABLE orders ADD COLUMN escalated_to BIGINT REFERENCES units(id);
ALTER TABLE orders ADD COLUMN callback_due BIGINT;
ALTER TABLE orders ADD COLUMN callback_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN partner BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX orders_escalated_to ON orders(escalated_to) WHERE escalated_to IS NOT NULL;

ALTER TABLE notices ADD COLUMN to_role TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ALTER COLUMN unit_id DROP NOT NULL;
CREATE INDEX notices_role ON notices(to_role, created_at) WHERE unit_id IS NULL;
