using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>
/// The live view on a Redis Cluster: the streams of different sources are in slots of different masters, so the bridge
/// reads each on its own; clients still get every event their filter matches, and alerts once each.
/// </summary>
public sealed class RedisClusterLiveTests(ClusterApiHost host) : IClassFixture<ClusterApiHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Clients_receive_every_matching_event_of_streams_on_several_masters_and_each_alert_once()
    {
        await using var all = new LiveClient(host.Hub(host.Token()));
        await all.Connection.StartAsync();
        await using var sshd = new LiveClient(host.Hub(host.Token()));
        await sshd.Connection.StartAsync();
        var alerts = new ConcurrentQueue<string>();
        sshd.Connection.On<JsonElement[]>("Alerts", pushed =>
        {
            foreach (var a in pushed) alerts.Enqueue(a.GetProperty("alert_id").GetString()!);
        });
        await all.SubscribeAsync("""severity >= debug""");
        await sshd.SubscribeAsync("""source == "sshd" """);
        await sshd.Connection.InvokeAsync<JsonElement[]>("SubscribeAlerts");

        string[] sources = ["sshd", "firewall", "nginx", "dns", "vpn", "proxy"];
        var stored = await host.StoreAsync(1200, i => (sources[i % sources.Length], (Severity)(i % 8)));
        var expectedSshd = stored.Where(e => e.Event.Source == "sshd").Select(e => e.Event.EventId).ToHashSet();

        await Eventually.True(() => all.EventCount >= stored.Count && sshd.EventCount >= expectedSshd.Count, Deadline,
            () => $"all: {all.EventCount}/{stored.Count}, sshd: {sshd.EventCount}/{expectedSshd.Count}");
        Assert.Equal(stored.Select(e => e.Event.EventId).ToHashSet(), all.Events.Select(e => e.Event.GetProperty("event_id").GetString()!).ToHashSet());
        Assert.Equal(stored.Count, all.EventCount);
        Assert.Equal(expectedSshd, sshd.Events.Select(e => e.Event.GetProperty("event_id").GetString()!).ToHashSet());

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var alert = new Alert("cluster-" + Guid.NewGuid().ToString("N")[..8], "cluster-live", Severity.Error, "fired on a cluster", "src_ip",
            "10.9.0.1", now - 10_000, now, 20, ["a", "b"], now);
        await host.StoreAlertsAsync([alert]);
        await host.StoreAlertsAsync([alert]); // sent again, as after an entity's restart
        await Eventually.True(() => alerts.Contains(alert.AlertId), Deadline, "the alert pushed");
        var second = alert with { AlertId = alert.AlertId + "-2" };
        await host.StoreAlertsAsync([second]);
        await Eventually.True(() => alerts.Contains(second.AlertId), Deadline, "the second alert pushed");
        Assert.Single(alerts, id => id == alert.AlertId);
    }
}
