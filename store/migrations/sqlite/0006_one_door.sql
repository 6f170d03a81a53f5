-- The one door to the rules: each order keeps when its limits were set and
-- the times the supervision board compares (fenliu.Watch, written with every
-- order write); a timer fires once per (order, kind, time); notices name the
-- stage they are about; the event guards are named alike in both dialects.
ALTER TABLE orders ADD COLUMN limits_from INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET limits_from = dispatched_at;
ALTER TABLE orders ADD COLUMN watch_warn INTEGER;
ALTER TABLE orders ADD COLUMN watch_due INTEGER;
CREATE INDEX orders_watch_due ON orders(watch_due) WHERE watch_due IS NOT NULL;
CREATE INDEX orders_watch_warn ON orders(watch_warn) WHERE watch_warn IS NOT NULL;

ALTER TABLE notices ADD COLUMN stage TEXT NOT NULL DEFAULT '';

DELETE FROM timers WHERE EXISTS (SELECT 1 FROM timers t2 WHERE t2.order_id = timers.order_id
    AND t2.kind = timers.kind AND t2.fire_at = timers.fire_at AND t2.id < timers.id);
CREATE UNIQUE INDEX timers_once ON timers(order_id, kind, fire_at);
DROP INDEX timers_order;
