using SiemActors.Domain.Alerts;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// Writes alerts to the Redis stream <c>&lt;prefix&gt;:alerts</c> (entry fields <c>alert_id</c> and <c>alert</c>, the
/// JSON of <see cref="AlertJson"/>), each once: <c>WriteAlerts.lua</c> keeps a marker per alert id for
/// <c>alert-dedupe-ttl</c>. Failures are the caller's to retry (the detection entities' outbox does).
/// </summary>
public sealed class RedisAlertWriter(IConnectionMultiplexer redis, RedisSinkSettings settings)
{
    /// <summary>Writes the alerts; returns how many were not in the stream yet.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<Alert> alerts)
    {
        if (alerts.Count == 0) return 0;
        var args = new RedisValue[3 + alerts.Count * 2];
        args[0] = settings.AlertMarkerPrefix;
        args[1] = (long)settings.AlertDedupeTtl.TotalSeconds;
        args[2] = settings.AlertsStreamMaxLength;
        for (var i = 0; i < alerts.Count; i++)
        {
            args[3 + i * 2] = alerts[i].AlertId;
            args[4 + i * 2] = AlertJson.ToUtf8(alerts[i]);
        }
        var added = await redis.GetDatabase().ScriptEvaluateAsync(LuaScripts.WriteAlerts, [(RedisKey)settings.AlertsStreamKey], args).ConfigureAwait(false);
        return (int)added;
    }
}
