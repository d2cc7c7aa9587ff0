-- Deletes a persistence id's events up to a sequence number. The highest sequence number stays; when nothing is left
-- and a TTL is configured, it expires after that TTL (a later write makes it permanent again).
-- KEYS[1]: the journal's sorted set; KEYS[2]: the highest-sequence-number key.
-- ARGV[1]: delete up to this sequence number; ARGV[2]: TTL in seconds of the highest key once empty (0: forever).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return 1
