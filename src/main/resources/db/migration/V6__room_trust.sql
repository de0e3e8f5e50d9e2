-- Version 6: trust inside a room. A room may be locked (no one joins), may make newcomers knock, and is sealed by the
-- first removal of an admitted member (a sealed room always knocks). A session is admitted unless it still knocks:
-- every session that exists already was admitted when it joined.
ALTER TABLE rooms ADD COLUMN locked BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE rooms ADD COLUMN knock BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE rooms ADD COLUMN sealed BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE sessions ADD COLUMN admitted BOOLEAN DEFAULT TRUE NOT NULL;
