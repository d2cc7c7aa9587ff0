-- Adds alerts to the alerts stream once each: an alert id already recorded (by an earlier attempt, or another
-- node's entity before a rebalance) is skipped. Returns how many were new.
-- KEYS[1]: the alerts stream; KEYS[1 + i]: the marker key of alert i (1-based), in the stream's slot
-- (<prefix>:alerts:seen:{<prefix>:alerts}:<id>), so the script runs on one Redis Cluster master.
-- ARGV[1]: the markers' TTL in seconds; ARGV[2]: the stream's approximate maximum length; ARGV[2 + i]: alert i's id,
-- ARGV[2 + n + i]: its JSON (n alerts).
local n = #KEYS - 1
local added = 0
for i = 1, n do
  if redis.call('SET', KEYS[1 + i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'alert_id', ARGV[2 + i], 'alert', ARGV[2 + n + i])
    added = added + 1
  end
end
return added
