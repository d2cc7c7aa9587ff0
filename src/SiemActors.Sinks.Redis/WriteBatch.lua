-- Writes one source's events of one partition batch, atomically and idempotently. Every key carries the source as its
-- hash tag ({source}), so on a Redis Cluster the script runs on the one master that holds the source's slot, as it does
-- on a single server. A batch with events of several sources is one call of this script per source.
-- KEYS[1] the source's marks (<prefix>:offsets:{source}; field topic:partition -> the highest offset of that partition
-- written to this source), KEYS[2] the source's stream, then KEYS[2 + i] the key of event i (1-based).
-- ARGV[1] partition field, ARGV[2] TTL in seconds (0: none), ARGV[3] stream MAXLEN ~, ARGV[4] batch's last offset,
-- then per event i: ARGV[3 + 2i] its offset, ARGV[4 + 2i] its JSON.
-- Events at or below the mark were written by an earlier attempt: skipped. The mark moves with each event written, so
-- a record that reaches one batch twice (same offset) is written once. Returns the number of events written.
local stored = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local hwm = stored
local ttl = tonumber(ARGV[2])
local maxlen = ARGV[3]
local stream = KEYS[2]
local written = 0
for i = 1, #KEYS - 2 do
  local offset = tonumber(ARGV[3 + 2 * i])
  if offset > hwm then
    hwm = offset
    local json = ARGV[4 + 2 * i]
    if ttl > 0 then
      redis.call('SET', KEYS[2 + i], json, 'EX', ttl)
    else
      redis.call('SET', KEYS[2 + i], json)
    end
    redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'event', json)
    written = written + 1
  end
end
if tonumber(ARGV[4]) > stored then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
end
return written
