-- Raises a partition's high-water mark in <prefix>:offsets once every source of a batch is written: the mark says
-- which offsets of the partition's log the Redis sink holds (the log-epoch check reads it). Never lowers it.
-- KEYS[1] the offsets hash; ARGV[1] the partition field; ARGV[2] the batch's last offset.
local stored = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > stored then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
