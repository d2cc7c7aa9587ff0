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

/// <summary>
/// Ready when Redis answers PING on a connection of the check's own (so the check never waits on the pipeline's), made
/// with the sinks' settings: the same TLS, CA, user and password. A Redis that asks for a password it was not given
/// (<c>-NOAUTH</c>) or refuses it is not ready: the pipeline could not write there either.
/// </summary>
internal sealed class RedisCheck(RedisSinkSettings settings) : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var where = string.Join(",", settings.Client.Endpoints().Select(e => $"{e.Host}:{e.Port}"));
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_redis is null || !_redis.IsConnected)
            {
                _redis?.Dispose();
                _redis = null;
                var options = settings.Client.Options();
                options.ConnectTimeout = 2000;
                options.ConnectRetry = 1;
                options.AbortOnConnectFail = true;
                _redis = await ConnectionMultiplexer.ConnectAsync(options);
            }
            var latency = await _redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"{where} answers ({latency.TotalMilliseconds:0.#} ms)");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            var tls = settings.Client.Tls.LastRejection is { } rejected ? $" ({rejected})" : "";
            return HealthCheckResult.Unhealthy($"{where}: {ex.Message}{tls}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _redis?.Dispose();
}

/// <summary>
/// Ready when ClickHouse answers <c>SELECT 1</c> with the sinks' settings: the same URL, TLS, CA, user and password
/// (a server that is up but refuses the credentials is not ready).
/// </summary>
internal sealed class ClickHouseCheck : IHealthCheck, IDisposable
{
    private readonly ClickHouseSinkSettings _settings;
    private readonly HttpClient _http;

    public ClickHouseCheck(ClickHouseSinkSettings settings)
    {
        _settings = settings;
        _http = new HttpClient(settings.CreateHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        _http.DefaultRequestHeaders.Authorization = settings.Authorization();
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(_settings.Url, "/?query=SELECT%201"), cancellationToken);
            if (response.IsSuccessStatusCode) return HealthCheckResult.Healthy($"{_settings.Url} answers");
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return HealthCheckResult.Unhealthy($"{_settings.Url} answered {(int)response.StatusCode}: {body.Trim()[..Math.Min(body.Trim().Length, 300)]}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            var tls = _settings.Tls.LastRejection is { } rejected ? $" ({rejected})" : "";
            return HealthCheckResult.Unhealthy($"{_settings.Url} unreachable: {ex.Message}{tls}");
        }
    }

    public void Dispose() => _http.Dispose();
}
