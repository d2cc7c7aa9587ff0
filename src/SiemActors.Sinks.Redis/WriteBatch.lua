-- Writes one partition batch atomically and idempotently.
-- KEYS[1] offsets hash (partition -> highest offset written), KEYS[2] set of live stream keys,
-- then per event i (1-based): KEYS[1+2i] its key, KEYS[2+2i] its stream.
-- ARGV[1] partition field, ARGV[2] TTL in seconds (0: none), ARGV[3] stream MAXLEN ~, ARGV[4] batch's last offset,
-- then per event i: ARGV[3+2i] its offset, ARGV[4+2i] its JSON.
-- Events at or below the partition's high-water mark were written by an earlier attempt: skipped. The mark moves with
-- each event written, so a record that reaches one batch twice (same offset) is written once.
-- Returns the number of events written.
local stored = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local hwm = stored
local ttl = tonumber(ARGV[2])
local maxlen = ARGV[3]
local written = 0
local streams = {}
for i = 1, (#KEYS - 2) / 2 do
  local offset = tonumber(ARGV[3 + 2 * i])
  if offset > hwm then
    hwm = offset
    local json = ARGV[4 + 2 * i]
    if ttl > 0 then
      redis.call('SET', KEYS[1 + 2 * i], json, 'EX', ttl)
    else
      redis.call('SET', KEYS[1 + 2 * i], json)
    end
    local stream = KEYS[2 + 2 * i]
    redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'event', json)
    if not streams[stream] then
      streams[stream] = true
      redis.call('SADD', KEYS[2], stream)
    end
    written = written + 1
  end
end
if tonumber(ARGV[4]) > stored then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
end
return written
