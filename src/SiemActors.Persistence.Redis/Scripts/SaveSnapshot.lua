-- Saves a snapshot, replacing any other of the same sequence number.
-- KEYS[1]: the snapshots' sorted set; ARGV[1]: the sequence number; ARGV[2]: the serialized snapshot;
-- ARGV[3]: seconds after which the persistence id's snapshots expire unless a later one is saved (0: never).
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1
