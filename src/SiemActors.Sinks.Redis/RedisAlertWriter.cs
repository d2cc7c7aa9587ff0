using SiemActors.Domain.Alerts;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// Writes alerts to the Redis stream <c>&lt;prefix&gt;:alerts</c> (entry fields <c>alert_id</c> and <c>alert</c>, the
/// JSON of <see cref="AlertJson"/>), each once: <c>WriteAlerts.lua</c> keeps a marker per alert id for
/// <c>alert-dedupe-ttl</c>, in the stream's slot. With <c>wait-replicas</c> the write counts once replicas acknowledged
/// it. Failures are the caller's to retry (the detection entities' outbox does).
/// </summary>
public sealed class RedisAlertWriter(IConnectionMultiplexer redis, RedisSinkSettings settings)
{
    /// <summary>Writes the alerts; returns how many were not in the stream yet.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<Alert> alerts)
    {
        if (alerts.Count == 0) return 0;
        var n = alerts.Count;
        var keys = new RedisKey[1 + n];
        var args = new RedisValue[2 + 2 * n];
        keys[0] = settings.AlertsStreamKey;
        args[0] = (long)settings.AlertDedupeTtl.TotalSeconds;
        args[1] = settings.AlertsStreamMaxLength;
        for (var i = 0; i < n; i++)
        {
            keys[1 + i] = settings.AlertMarkerKey(alerts[i].AlertId);
            args[2 + i] = alerts[i].AlertId;
            args[2 + n + i] = AlertJson.ToUtf8(alerts[i]);
        }
        var (server, added) = await LuaScripts.WriteAlertsOnOwner.EvaluateAsync(redis, keys, args).ConfigureAwait(false);
        await settings.ReplicaWait.OnAsync([server]).ConfigureAwait(false);
        return (int)added;
    }
}
