-- Moves a partition's log epoch on, once: only if the stored value is still the one the caller saw.
-- KEYS[1] the epochs hash; ARGV[1] the partition's field; ARGV[2] the value the caller saw ('' for none); ARGV[3] the
-- new value. Returns the value stored after the call (the new one, or the one another node stored first).
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return ARGV[3]
end
return current
