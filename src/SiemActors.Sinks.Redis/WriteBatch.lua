-- Writes one source's events of one partition batch, atomically and idempotently. Every key carries the source as its
-- hash tag ({source}), so on a Redis Cluster the script runs on the one master that holds the source's slot, as it does
-- on a single server. A batch with events of several sources is one call of this script per source.
-- KEYS[1] the source's marks (<prefix>:offsets:{source}; field topic:partition -> the highest offset of that partition
-- written to this source), KEYS[2] the source's stream (<prefix>:stream:{source}).
-- ARGV[1] partition field, ARGV[2] the oldest stream id to keep (XADD MINID ~: entries stored before it are trimmed;
-- '' keeps everything), ARGV[3] the batch's last offset, then per event i (1-based): ARGV[2 + 2i] its offset,
-- ARGV[3 + 2i] its JSON.
-- The events go into the stream as one entry per call (fields event, event, ...): one XADD per batch and source
-- instead of a key and an entry per event, which cuts what Redis spends per event by about two thirds
-- (docs/delivery.md, "Redis keys"). An entry closes at 1,000 events (the most one unpack takes safely) or once it holds
-- 1 MiB of JSON, so a source of huge records makes no entry of gigabytes that a live-view read would have to take whole.
-- Events at or below the mark were written by an earlier attempt: skipped. The mark moves with each event taken, so a
-- record that reaches one batch twice (same offset) is written once. Returns the number of events written.
local stored = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local hwm = stored
local stream = KEYS[2]
local minid = ARGV[2]
local entry = {}
local n = 0
local bytes = 0
local written = 0

local function add()
  if minid == '' then
    redis.call('XADD', stream, '*', unpack(entry, 1, n))
  else
    redis.call('XADD', stream, 'MINID', '~', minid, '*', unpack(entry, 1, n))
  end
  n = 0
  bytes = 0
end

for i = 1, (#ARGV - 3) / 2 do
  local offset = tonumber(ARGV[2 + 2 * i])
  if offset > hwm then
    hwm = offset
    local json = ARGV[3 + 2 * i]
    entry[n + 1] = 'event'
    entry[n + 2] = json
    n = n + 2
    bytes = bytes + #json
    written = written + 1
    if n == 2000 or bytes >= 1048576 then add() end
  end
end
if n > 0 then add() end
if tonumber(ARGV[3]) > stored then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return written
