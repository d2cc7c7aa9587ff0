using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SiemActors.Pipeline;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Management;

/// <summary>Ready when this node is an Up member of the cluster.</summary>
internal sealed class ClusterMemberCheck(ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var status = cluster.SelfMember.Status;
        return Task.FromResult(status == MemberStatus.Up
            ? HealthCheckResult.Healthy($"{cluster.SelfAddress} is Up")
            : HealthCheckResult.Unhealthy($"{cluster.SelfAddress} is {status}"));
    }
}

/// <summary>Ready when the ingest pipeline runs (sinks connected, consumer group joined); reports its partitions.</summary>
internal sealed class PipelineCheck(PipelineState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Running
            ? HealthCheckResult.Healthy($"consuming; {state.AssignedCount} partition(s) assigned")
            : HealthCheckResult.Unhealthy("the ingest pipeline is not running yet"));
}

/// <summary>
/// Degraded while an ingest gap this node reported still alarms (records deleted by the broker before they were read:
/// not acknowledged, younger than <c>siem.pipeline.gap-alarm-duration</c>). The node works on; the status tells that
/// something was lost.
/// </summary>
internal sealed class IngestGapCheck(SiemActors.Pipeline.Gaps.GapAlarm gaps) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var active = gaps.Active();
        return Task.FromResult(active.Count == 0
            ? HealthCheckResult.Healthy("no ingest gap")
            : HealthCheckResult.Degraded($"{active.Count} ingest gap(s), {active.Sum(g => g.Records)} records never processed: " +
                                         string.Join("; ", active.Take(5)) + " — acknowledge with siemctl pipeline gaps --acknowledge"));
    }
}

/// <summary>Ready when Redis answers PING (a short connection of its own, so the check never waits on the pipeline's).</summary>
internal sealed class RedisCheck(RedisSinkSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = ConfigurationOptions.Parse(settings.Connection);
        var endpoint = options.EndPoints.FirstOrDefault();
        var (host, port) = endpoint switch
        {
            System.Net.DnsEndPoint d => (d.Host, d.Port == 0 ? 6379 : d.Port),
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port == 0 ? 6379 : ip.Port),
            _ => ("127.0.0.1", 6379),
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            // -NOAUTH still proves Redis is there; the pipeline's own connection authenticates.
            return answer.StartsWith("+PONG", StringComparison.Ordinal) || answer.StartsWith("-NOAUTH", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy($"{host}:{port} answers")
                : HealthCheckResult.Unhealthy($"{host}:{port} answered {answer.Trim()}");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return HealthCheckResult.Unhealthy($"{host}:{port} unreachable: {ex.Message}");
        }
    }
}

/// <summary>Ready when ClickHouse answers its /ping.</summary>
internal sealed class ClickHouseCheck(ClickHouseSinkSettings settings) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(settings.Url, "/ping"), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"{settings.Url} answers")
                : HealthCheckResult.Unhealthy($"{settings.Url} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{settings.Url} unreachable: {ex.Message}");
        }
    }
}
