-- Fast at province scale: the repeat-call lookup by address and matter
-- (fenliu.RepeatKeys) is served by an index on all three of its columns.
-- With (address, received_at) alone, a busy address (a station, a
-- hospital, a market) made the lookup read every incident at that address
-- of the window to filter the category.
CREATE INDEX incidents_address_category ON incidents(address, category, received_at);
