using Serilog;
using SiemActors.Security;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;

namespace SiemActors.Node;

/// <summary>
/// At start, one TLS handshake with each configured Redis and ClickHouse server that speaks TLS: a certificate the
/// node's settings refuse (a wrong CA, a wrong name, a server without TLS on that port) stops the node with exit code 2
/// and the reason, instead of sinks that retry a handshake forever. A server that does not answer yet is left to the
/// sinks, which wait for it as they do for any outage.
/// </summary>
internal static class TlsStartupCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="TlsTrustException"/> for the first server refused.</summary>
    public static async Task RunAsync(RedisSinkSettings redis, ClickHouseSinkSettings clickHouse)
    {
        if (redis.Client.Tls.Enabled)
        {
            foreach (var (host, port) in redis.Client.Endpoints())
                Report("Redis", host, port, await TlsProbe.HandshakeAsync(host, port, redis.Client.Tls, "Redis", Timeout));
        }
        if (clickHouse.Tls.Enabled)
        {
            foreach (var url in new[] { clickHouse.Url }.Concat(clickHouse.Shards.SelectMany(s => s)).Distinct())
                Report("ClickHouse", url.Host, url.Port, await TlsProbe.HandshakeAsync(url.Host, url.Port, clickHouse.Tls, "ClickHouse", Timeout));
        }
    }

    private static void Report(string what, string host, int port, bool answered)
    {
        if (answered) Log.Information("TLS to {What} at {Host}:{Port}: the certificate is trusted", what, host, port);
        else Log.Warning("TLS to {What} at {Host}:{Port}: no answer at start; the sinks wait for it", what, host, port);
    }
}
