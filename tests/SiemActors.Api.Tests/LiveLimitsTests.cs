using SiemActors.Domain.Events;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Api.Tests;

/// <summary>An api host whose connections get at most 100 events/s and hold at most 300 waiting; max-delay 5 s.</summary>
public sealed class LimitedApiHost : ApiHost
{
    protected override string LiveConfig =>
        "max-events-per-second = 100, buffer-per-connection = 300, push-batch = 50, push-interval = 50ms, stats-interval = 200ms, streams-refresh = 200ms, read-block = 200ms, max-delay = 5s";
}

public sealed class LiveLimitsTests(LimitedApiHost host) : IClassFixture<LimitedApiHost>
{
    [Fact]
    public async Task Entries_the_bridge_reaches_later_than_max_delay_are_skipped_and_counted_not_pushed()
    {
        await using var client = new LiveClient(host.Hub(host.Token()));
        await client.Connection.StartAsync();
        var id = (await client.SubscribeAsync("""source == "stale" or source == "fresh" """)).SubscriptionId!;
        // The tail follows the streams from the subscription on; a stream that appears after that is read from its start.
        await host.StoreAsync(1, _ => ("fresh", Severity.Informational));
        await Eventually.True(() => client.EventCount >= 1, TimeSpan.FromSeconds(60), () => "the fresh event never arrived");
        var old = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        await host.AppendOldEntryAsync("stale", old, $$"""{"event_id":"old-1","timestamp":{{old}},"source":"stale","host":"h","severity":6}""");

        await Eventually.True(() => client.LastStats is { StreamEventsSkipped: >= 1 }, TimeSpan.FromSeconds(60), () => $"stats: {client.LastStats}");
        Assert.All(client.Events, e => Assert.Equal("fresh", e.Event.GetProperty("source").GetString()));
        Assert.Equal(1, client.StatsOf(id)!.Matched);
    }

    [Fact]
    public async Task A_firehose_subscription_gets_the_rate_cap_and_the_excess_is_dropped_and_counted()
    {
        await using var client = new LiveClient(host.Hub(host.Token()));
        await client.Connection.StartAsync();
        var id = (await client.SubscribeAsync("true")).SubscriptionId!;
        var started = DateTime.UtcNow;
        await host.StoreAsync(3000, i => ("firehose", Severity.Informational));

        // Everything matched is either delivered or dropped; the buffer (300) is all that may be delivered late.
        await Eventually.True(() => client.StatsOf(id) is { Matched: 3000 } s && s.Delivered + s.Dropped == 3000, TimeSpan.FromSeconds(60),
            () => $"stats: {client.StatsOf(id)}");
        var stats = client.StatsOf(id)!;
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        Assert.True(stats.Dropped >= 3000 - 300 - 100 * seconds - 100, $"too few dropped for the cap: {stats} after {seconds:N1}s");
        Assert.True(stats.Delivered <= 100 * seconds + 100, $"more delivered than 100/s allows: {stats} after {seconds:N1}s");
        await Eventually.True(() => client.EventCount == stats.Delivered, TimeSpan.FromSeconds(30),
            () => $"received {client.EventCount}, delivered {stats.Delivered}");
    }
}
