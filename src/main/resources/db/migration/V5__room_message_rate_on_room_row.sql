-- Version 5: a room's message rate (its GCRA theoretical arrival time) lives on the room's row, so that the statement
-- that allocates a batch's seqs also takes the room's tokens (one statement per room and batch instead of two). The
-- separate 'room-msg:' buckets are no longer used.
ALTER TABLE rooms ADD COLUMN message_tat BIGINT DEFAULT 0 NOT NULL;
DELETE FROM rate_buckets WHERE bucket_key LIKE 'room-msg:%';
