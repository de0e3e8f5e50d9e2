-- Version 4: each room keeps the bytes of envelopes it stores (IV and ciphertext as stored, the same measure as
-- Envelope.storedBytes), so that the storage caps per room and per deployment need no sum over messages per message.
-- The writer adds to it in the statement that allocates seqs; trimming history subtracts.
ALTER TABLE rooms ADD COLUMN stored_bytes BIGINT DEFAULT 0 NOT NULL;
UPDATE rooms SET stored_bytes =
  (SELECT COALESCE(SUM(LENGTH(m.iv) + LENGTH(m.ct)), 0) FROM messages m WHERE m.room_id = rooms.id);
