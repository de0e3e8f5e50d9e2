-- Sotto schema, version 1. Portable SQL: runs unchanged on H2 and PostgreSQL.
-- Everything here is random, numeric or ciphertext; nothing identifies a person.
CREATE TABLE rooms (
  id               VARCHAR(43) PRIMARY KEY,
  created_at       BIGINT      NOT NULL,
  last_activity_at BIGINT      NOT NULL,
  owner_session_id VARCHAR(22) NOT NULL,
  last_seq         BIGINT      NOT NULL,
  owner_away_since BIGINT
);

CREATE TABLE sessions (
  id              VARCHAR(22) PRIMARY KEY,
  room_id         VARCHAR(43) NOT NULL,
  token_hash      VARCHAR(43) NOT NULL,
  is_owner        BOOLEAN     NOT NULL,
  created_at      BIGINT      NOT NULL,
  max_counter     BIGINT      NOT NULL,
  profile_counter BIGINT      NOT NULL,
  profile_iv      VARCHAR(16),
  profile_ct      VARCHAR(1400)
);
CREATE UNIQUE INDEX sessions_token ON sessions (token_hash);
CREATE INDEX sessions_room ON sessions (room_id);

CREATE TABLE messages (
  room_id    VARCHAR(43)    NOT NULL,
  seq        BIGINT         NOT NULL,
  sender_id  VARCHAR(22)    NOT NULL,
  counter    BIGINT         NOT NULL,
  iv         VARCHAR(16)    NOT NULL,
  ct         VARCHAR(22000) NOT NULL,
  created_at BIGINT         NOT NULL,
  PRIMARY KEY (room_id, seq)
);
CREATE UNIQUE INDEX messages_sender_counter ON messages (room_id, sender_id, counter);

CREATE TABLE rate_buckets (
  bucket_key VARCHAR(80) PRIMARY KEY,
  room_id    VARCHAR(43),
  tat        BIGINT NOT NULL
);
CREATE INDEX rate_buckets_room ON rate_buckets (room_id);
