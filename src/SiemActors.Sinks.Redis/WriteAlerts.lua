-- Adds alerts to the alerts stream once each: an alert id already recorded (by an earlier attempt, or another
-- node's entity before a rebalance) is skipped. Returns how many were new.
-- KEYS[1]: the alerts stream. ARGV[1]: prefix of the per-alert marker keys; ARGV[2]: their TTL in seconds;
-- ARGV[3]: the stream's approximate maximum length; ARGV[4..]: pairs of (alert id, alert JSON).
local added = 0
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('SET', ARGV[1] .. id, '1', 'NX', 'EX', ARGV[2]) then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'alert_id', id, 'alert', ARGV[i + 1])
    added = added + 1
  end
end
return added
