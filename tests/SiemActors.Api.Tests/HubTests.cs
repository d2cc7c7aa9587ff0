using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Api.Live;
using SiemActors.Domain.Events;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Api.Tests;

public sealed class HubTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static (string, Severity) Mixed(int i) => (i % 3 == 0 ? "sshd" : i % 3 == 1 ? "firewall" : "nginx", (Severity)(i % 8));

    private async Task<LiveClient> ConnectAsync()
    {
        var client = new LiveClient(host.Hub(host.Token()));
        await client.Connection.StartAsync();
        return client;
    }

    [Fact]
    public async Task A_client_receives_only_events_its_filter_matches_and_all_of_them()
    {
        await using var sshd = await ConnectAsync();
        await using var severe = await ConnectAsync();
        var a = await sshd.SubscribeAsync("""source == "sshd" """);
        var b = await severe.SubscribeAsync("severity >= error and source != \"nginx\"");
        Assert.NotNull(a.SubscriptionId);
        Assert.Equal("source == \"sshd\"", a.Filter);
        Assert.NotNull(b.SubscriptionId);

        var stored = await host.StoreAsync(600, Mixed);
        var expectedSshd = stored.Where(e => e.Event.Source == "sshd").Select(e => e.Event.EventId).ToHashSet();
        var expectedSevere = stored.Where(e => e.Event.Severity <= Severity.Error && e.Event.Source != "nginx").Select(e => e.Event.EventId).ToHashSet();

        await Eventually.True(() => sshd.EventCount >= expectedSshd.Count && severe.EventCount >= expectedSevere.Count, Deadline,
            () => $"sshd client has {sshd.EventCount}/{expectedSshd.Count}, severe client {severe.EventCount}/{expectedSevere.Count}");
        Assert.Equal(expectedSshd, sshd.Events.Select(e => e.Event.GetProperty("event_id").GetString()!).ToHashSet());
        Assert.Equal(expectedSevere, severe.Events.Select(e => e.Event.GetProperty("event_id").GetString()!).ToHashSet());
        Assert.All(sshd.Events, e => Assert.Equal(a.SubscriptionId, e.Subscription));
        await Eventually.True(() => sshd.StatsOf(a.SubscriptionId!) is { Matched: > 0 } s && s.Delivered == expectedSshd.Count, Deadline,
            () => $"stats: {sshd.StatsOf(a.SubscriptionId!)}");
        Assert.Equal(0, sshd.StatsOf(a.SubscriptionId!)!.Dropped);
    }

    [Fact]
    public async Task A_bad_filter_is_refused_with_its_position()
    {
        await using var client = await ConnectAsync();
        var result = await client.SubscribeAsync("severity >= warning and sorce == \"x\"");
        Assert.Null(result.SubscriptionId);
        Assert.Equal(24, result.Position);
        Assert.Contains("sorce", result.Error);

        // The limits of the REST API hold for subscriptions too, and the connection stays usable.
        var deep = await client.SubscribeAsync(new string('(', 40) + "true" + new string(')', 40));
        Assert.Null(deep.SubscriptionId);
        Assert.Contains("deeper than 32", deep.Error);
        var chain = await client.SubscribeAsync(string.Join(" or ", Enumerable.Repeat("severity==3", 270)));
        Assert.Contains("more than 256 conditions", chain.Error);
        Assert.NotNull((await client.SubscribeAsync("true")).SubscriptionId);
    }

    [Fact]
    public async Task Connections_without_a_valid_token_are_refused()
    {
        await using var anonymous = host.Hub(null);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        var forged = SiemActors.Auth.AnalystTokens.Issue(host.Settings.Auth with { ConfiguredSecret = "another-secret-0123456789abcdefghijklmn" }, "mallory");
        await using var forger = host.Hub(forged);
        refused = await Assert.ThrowsAsync<HttpRequestException>(() => forger.StartAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_connection_whose_token_expires_is_closed()
    {
        await using var connection = host.Hub(host.Token(lifetime: TimeSpan.FromSeconds(2)));
        var closed = new TaskCompletionSource();
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        await closed.Task.WaitAsync(Deadline);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task A_client_that_stops_reading_gets_drops_reported_while_another_gets_everything()
    {
        await using var slow = await RawHubClient.ConnectAsync(host.BaseUrl, host.Token());
        await using var fast = await ConnectAsync();
        var s = await slow.SubscribeAsync("true");
        var f = (await fast.SubscribeAsync("true")).SubscriptionId!;

        // ~40 MB of events while the slow client reads nothing: more than the socket buffers and its 5000-event buffer hold.
        // Each batch is stored once the fast client has the previous one, so the fast client is never more than one batch
        // (2000) behind, whatever the load on the machine: only the client that stopped reading can overflow.
        const int batches = 10, perBatch = 2000, total = batches * perBatch;
        for (var i = 1; i <= batches; i++)
        {
            await host.StoreAsync(perBatch, Mixed, rawBytes: 2000);
            var expected = i * perBatch;
            await Eventually.True(() => fast.EventCount >= expected, Deadline, () => $"fast client has {fast.EventCount}/{expected}, stats {fast.StatsOf(f)}");
        }

        // The slow client reads again: what was sent before the buffer overflowed arrives, then stats that count the drops.
        JsonElement? last = null;
        var received = await slow.ReadUntilAsync(m =>
        {
            if (m.GetProperty("target").GetString() != "Stats") return false;
            // A Stats message taken just before the subscription was added may still be queued for the client: not ours yet.
            var subscriptions = m.GetProperty("arguments")[0].GetProperty("subscriptions").EnumerateArray();
            if (subscriptions.Where(x => x.GetProperty("id").GetString() == s).ToList() is not [var mine]) return false;
            last = mine.Clone();
            return mine.GetProperty("matched").GetInt64() == total
                && mine.GetProperty("delivered").GetInt64() + mine.GetProperty("dropped").GetInt64() == total;
        }, Deadline);
        var dropped = last!.Value.GetProperty("dropped").GetInt64();
        Assert.True(dropped > 0, $"no drops reported: {last}");
        Assert.True(received <= total - dropped, $"received {received}, but {dropped} of {total} were reported dropped");
        Assert.Equal(total, fast.EventCount);
        Assert.Equal(0, fast.StatsOf(f)?.Dropped ?? 0);
    }

    [Fact]
    public async Task Unsubscribing_and_disconnecting_remove_subscriptions()
    {
        await using var client = await ConnectAsync();
        var first = (await client.SubscribeAsync("true")).SubscriptionId!;
        var second = (await client.SubscribeAsync("source == \"sshd\"")).SubscriptionId!;
        Assert.True(await client.Connection.InvokeAsync<bool>("Unsubscribe", first));
        Assert.False(await client.Connection.InvokeAsync<bool>("Unsubscribe", first));
        // A stats push sent between the two subscribes also holds one subscription (the first): wait for the second alone.
        await Eventually.True(() => client.LastStats is { Subscriptions: [var only] } && only.Id == second, Deadline,
            () => $"stats: {client.LastStats}");

        var before = await host.BridgeCountsAsync();
        await client.Connection.StopAsync();
        var now = before;
        await Eventually.True(async () => (now = await host.BridgeCountsAsync()).Connections == before.Connections - 1, Deadline,
            () => $"bridge: {now}");
    }
}
