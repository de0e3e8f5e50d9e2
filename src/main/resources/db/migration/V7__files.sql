-- Version 7: encrypted files. A file is a row with what its uploader declared (chunk count, ciphertext bytes) and what
-- has arrived; its chunks are opaque ciphertext (no name, no type: those travel inside the chat envelope that
-- announces the file). BYTEA is H2's variable binary as well as PostgreSQL's.
CREATE TABLE files (
  id            VARCHAR(22) PRIMARY KEY,
  room_id       VARCHAR(43) NOT NULL,
  uploader_id   VARCHAR(22) NOT NULL,
  chunks        INTEGER     NOT NULL,
  bytes         BIGINT      NOT NULL,
  stored_chunks INTEGER     DEFAULT 0 NOT NULL,
  stored_bytes  BIGINT      DEFAULT 0 NOT NULL,
  complete      BOOLEAN     DEFAULT FALSE NOT NULL,
  created_at    BIGINT      NOT NULL
);
-- A room's files oldest first (trimming); uploads left incomplete, oldest first (housekeeping).
CREATE INDEX files_room ON files (room_id, created_at);
CREATE INDEX files_incomplete ON files (complete, created_at);

CREATE TABLE file_chunks (
  file_id     VARCHAR(22) NOT NULL,
  room_id     VARCHAR(43) NOT NULL,
  chunk_index INTEGER     NOT NULL,
  data        BYTEA       NOT NULL,
  PRIMARY KEY (file_id, chunk_index)
);
CREATE INDEX file_chunks_room ON file_chunks (room_id);

-- The bytes a room's files take (as declared, so that uploads in progress hold their space): the room's file cap and
-- the deployment's byte cap read it without a sum over files. Kept apart from stored_bytes, which history trimming
-- reads as the bytes of messages only.
ALTER TABLE rooms ADD COLUMN file_bytes BIGINT DEFAULT 0 NOT NULL;

-- New files are rate limited per session and per room; their buckets are made where a session or room is born, and
-- here for those that exist already.
INSERT INTO rate_buckets (bucket_key, room_id, tat)
  SELECT 'files:' || s.id, s.room_id, 0 FROM sessions s
  WHERE NOT EXISTS (SELECT 1 FROM rate_buckets b WHERE b.bucket_key = 'files:' || s.id);
INSERT INTO rate_buckets (bucket_key, room_id, tat)
  SELECT 'room-files:' || r.id, r.id, 0 FROM rooms r
  WHERE NOT EXISTS (SELECT 1 FROM rate_buckets b WHERE b.bucket_key = 'room-files:' || r.id);
