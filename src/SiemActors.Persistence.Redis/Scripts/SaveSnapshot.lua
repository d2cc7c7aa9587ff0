-- Saves a snapshot, replacing any other of the same sequence number.
-- KEYS[1]: the snapshots' sorted set; ARGV[1]: the sequence number; ARGV[2]: the serialized snapshot.
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
