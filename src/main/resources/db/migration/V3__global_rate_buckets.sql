-- Version 3: the deployment-wide rate-limit buckets exist from the start, so that no node ever races to create them.
-- (A database adopted from before the migrations may already hold them.)
INSERT INTO rate_buckets (bucket_key, room_id, tat)
  SELECT 'rooms', NULL, 0 WHERE NOT EXISTS (SELECT 1 FROM rate_buckets WHERE bucket_key = 'rooms');
INSERT INTO rate_buckets (bucket_key, room_id, tat)
  SELECT 'sessions', NULL, 0 WHERE NOT EXISTS (SELECT 1 FROM rate_buckets WHERE bucket_key = 'sessions');
