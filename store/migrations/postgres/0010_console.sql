-- The console (issue 11): the road and place names of each area, by which
-- a typed address chooses the area (fenliu.AreaForAddress), one per line.
ALTER TABLE areas ADD COLUMN roads TEXT NOT NULL DEFAULT '';
