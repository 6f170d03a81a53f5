-- Fast at province scale: each way of matching a repeat call
-- (fenliu.RepeatKeys) has an index on all of its columns, the time and the
-- id, in the order of the lookup (newest first), so the lookup reads one
-- index entry however busy the caller or the place is, with statistics
-- fresh or not. With (address, received_at) alone a busy address (a
-- station, a hospital, a market) made the lookup read every incident at
-- that address to filter the category; with (caller_phone, received_at)
-- PostgreSQL could prefer walking incidents_received back in time,
-- filtering the caller. TestHotPathPlans checks the plans.
CREATE INDEX incidents_address_category ON incidents(address, category, received_at, id);
DROP INDEX incidents_phone;
CREATE INDEX incidents_phone ON incidents(caller_phone, received_at, id);
DROP INDEX incidents_area_category;
CREATE INDEX incidents_area_category ON incidents(area_id, category, received_at, id);
