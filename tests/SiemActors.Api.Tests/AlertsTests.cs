using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Api.Tests;

/// <summary>Alerts through the API: <c>GET /api/alerts</c> with the filter language, and the hub's alert feed.</summary>
public sealed class AlertsTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static Alert Make(string rule, Severity severity, string key, long lastEventTime, long detectedAt, long count = 20) =>
        new($"{rule}-{key}-{lastEventTime}", rule, severity, $"{rule} fired", "src_ip", key, lastEventTime - 1000, lastEventTime, count,
            ["e1", "e2"], detectedAt);

    private async Task<JsonElement> GetAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var http = host.Http(host.Token());
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Search_filters_alerts_by_their_fields_newest_first_one_per_id()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var brute1 = Make("brute-api", Severity.Error, "10.0.0.1", now - 60_000, now - 50_000);
        var brute2 = Make("brute-api", Severity.Critical, "10.0.0.2", now - 30_000, now - 20_000);
        var sweep = Make("sweep-api", Severity.Warning, "10.0.0.1", now - 10_000, now - 5_000);
        await host.StoreAlertsAsync([brute1, brute2, sweep]);
        await host.StoreAlertsAsync([brute1]); // re-sent by an entity after a restart

        var filter = Uri.EscapeDataString("""rule == "brute-api" and severity >= error""");
        var page = await GetAsync($"/api/alerts?filter={filter}&from=now-1h");
        var alerts = page.GetProperty("alerts").EnumerateArray().Select(a => AlertJson.Parse(JsonSerializer.SerializeToUtf8Bytes(a))).ToList();
        Assert.Equal([brute2.AlertId, brute1.AlertId], alerts.Select(a => a.AlertId));
        Assert.Equal(brute2 with { SampleEventIds = [] }, alerts[0] with { SampleEventIds = [] });
        Assert.Equal(brute2.SampleEventIds, alerts[0].SampleEventIds);

        var byKey = await GetAsync($"/api/alerts?filter={Uri.EscapeDataString("key == \"10.0.0.1\" and count >= 20")}&from=now-1h");
        Assert.Equal([sweep.AlertId, brute1.AlertId], byKey.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alert_id").GetString()));
    }

    [Fact]
    public async Task A_bad_alert_filter_is_refused_with_its_position_and_literals_cannot_inject()
    {
        var error = await GetAsync($"/api/alerts?filter={Uri.EscapeDataString("rule == \"x\" and source == \"sshd\"")}", HttpStatusCode.BadRequest);
        Assert.Contains("unknown field 'source'", error.GetProperty("error").GetString());
        Assert.Equal(16, error.GetProperty("position").GetInt32());

        var injection = Uri.EscapeDataString("""rule == "x' OR 1=1 -- " or key == "'; DROP TABLE alerts; --" """);
        var page = await GetAsync($"/api/alerts?filter={injection}&from=now-1h");
        Assert.Empty(page.GetProperty("alerts").EnumerateArray());
        // The table is still there.
        await GetAsync("/api/alerts?from=now-1h");
    }

    [Fact]
    public async Task The_hub_sends_each_alert_once_from_the_recent_ones_on()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var old = Make("feed-old", Severity.Warning, "10.1.0.1", now - 5_000, now - 4_000);
        await host.StoreAlertsAsync([old]);

        await using var connection = host.Hub(host.Token());
        var pushed = new ConcurrentQueue<string>();
        connection.On<JsonElement[]>("Alerts", alerts =>
        {
            foreach (var a in alerts) pushed.Enqueue(a.GetProperty("alert_id").GetString()!);
        });
        await connection.StartAsync();
        var recent = (await connection.InvokeAsync<JsonElement[]>("SubscribeAlerts")).Select(a => a.GetProperty("alert_id").GetString()!).ToList();

        var fresh = Make("feed-new", Severity.Critical, "10.1.0.2", now, now);
        await host.StoreAlertsAsync([fresh]);
        await host.StoreAlertsAsync([fresh, old]);
        var marker = Make("feed-marker", Severity.Notice, "10.1.0.3", now, now + 1);
        await host.StoreAlertsAsync([marker]);
        await Eventually.True(() => pushed.Contains(marker.AlertId), Deadline, () => $"pushed: {string.Join(", ", pushed)}");
        // The alert stored before subscribing comes once: in the answer, or pushed if the feed had not passed it yet;
        // those stored after come pushed, once each, in order, although one was written twice.
        var all = recent.Concat(pushed).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Contains(old.AlertId, all);
        Assert.Equal([fresh.AlertId, marker.AlertId], pushed.Where(id => id != old.AlertId));
    }
}
