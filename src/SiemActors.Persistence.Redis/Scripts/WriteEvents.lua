-- One atomic write of one persistence id: its events and its highest sequence number, together or not at all.
-- KEYS[1]: the journal's sorted set; KEYS[2]: the highest-sequence-number key.
-- ARGV[1]: the highest sequence number among the events; ARGV[2..]: pairs of (sequence number, serialized event).
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
local highest = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) > highest then
  redis.call('SET', KEYS[2], ARGV[1])
else
  redis.call('PERSIST', KEYS[2])
end
return 1
