using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using SiemActors.Detection;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Faults;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;

namespace SiemActors.Node;

/// <summary>
/// The node's alert stores: the Redis stream and the ClickHouse alerts table, both written for every call (each keeps
/// one record per alert id). Connects on first use — the detection entities are created while the actor system
/// starts, before anything can be connected — and creates the alerts table if it is missing.
/// </summary>
public sealed class AlertPublisher(IServiceProvider services, RedisSinkSettings redisSettings, ClickHouseSinkSettings clickHouseSettings)
    : IAlertPublisher, IAsyncDisposable
{
    private readonly SemaphoreSlim _connect = new(1, 1);
    private Stores? _stores;

    public async Task PublishAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default)
    {
        var stores = await StoresAsync(cancellationToken).ConfigureAwait(false);
        // One after the other (alerts are few): a crash between the two leaves the alert in Redis only, and the entity,
        // which marks it published only after both, writes it again to both after recovery (each keeps one per id).
        await stores.Redis.WriteAsync(alerts).ConfigureAwait(false);
        CrashPoints.Reach(CrashPoint.DetectionAfterAlertRedis);
        await stores.ClickHouse.WriteAsync(alerts, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Stores> StoresAsync(CancellationToken ct)
    {
        if (_stores is { } ready) return ready;
        await _connect.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_stores is { } raced) return raced;
            var log = Logging.GetLogger(services.GetRequiredService<ActorSystem>(), "alerts");
            var redis = await RedisEventWriter.ConnectAsync(redisSettings).ConfigureAwait(false);
            var http = new ClickHouseHttpClient(clickHouseSettings, log);
            var clickHouse = new ClickHouseAlertWriter(http, clickHouseSettings);
            await clickHouse.EnsureSchemaAsync(ct).ConfigureAwait(false);
            return _stores = new Stores(redis, http, new RedisAlertWriter(redis, redisSettings), clickHouse);
        }
        finally
        {
            _connect.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stores is not { } stores) return;
        stores.Http.Dispose();
        await stores.Multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record Stores(StackExchange.Redis.IConnectionMultiplexer Multiplexer, ClickHouseHttpClient Http, RedisAlertWriter Redis,
        ClickHouseAlertWriter ClickHouse);
}
