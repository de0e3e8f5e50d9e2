-- Version 3: the deployment-wide rate-limit buckets exist from the start, so that no node ever races to create them.
INSERT INTO rate_buckets (bucket_key, room_id, tat) VALUES ('rooms', NULL, 0);
INSERT INTO rate_buckets (bucket_key, room_id, tat) VALUES ('sessions', NULL, 0);
