-- Version 2: the housekeeping sweep looks rooms up by activity and owner absence.
CREATE INDEX rooms_last_activity ON rooms (last_activity_at);
CREATE INDEX rooms_owner_away ON rooms (owner_away_since);
