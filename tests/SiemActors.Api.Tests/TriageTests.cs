using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Auth;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>
/// Alerts as work through the running API (docs/api.md, "Alert triage"): a responder acknowledges, assigns, annotates,
/// closes with a reason and reopens; every change is stored with the state after it, shown with the alert, and pushed
/// on the hub to the alert list's clients; impossible changes are refused with the reason; viewers cannot change.
/// </summary>
public sealed class TriageTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private async Task<Alert> StoredAlert(string rule)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var alert = new Alert($"{rule}-{Guid.NewGuid():N}", rule, Severity.Error, $"{rule} fired", "src_ip", "10.1.2.3", now - 2000, now - 1000, 12, ["e1"], now);
        await host.StoreAlertsAsync([alert]);
        return alert;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Triage(HttpClient http, string alertId, object body)
    {
        using var response = await http.PostAsJsonAsync($"/api/alerts/{Uri.EscapeDataString(alertId)}/triage", body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Fact]
    public async Task A_responder_takes_an_alert_through_its_life_and_every_viewer_of_the_list_sees_each_change()
    {
        var alert = await StoredAlert("triage-life");
        await using var watcher = host.Hub(host.Token("walter"));
        var pushed = new ConcurrentQueue<JsonElement>();
        watcher.On<JsonElement[]>("AlertChanges", changes => { foreach (var c in changes) pushed.Enqueue(c.Clone()); });
        await watcher.StartAsync();
        await watcher.InvokeAsync<JsonElement[]>("SubscribeAlerts");

        using var rita = host.Http(host.Token("rita", role: AnalystRoles.Responder));
        var steps = new (object Body, string Status, string Assignee)[]
        {
            (new { action = "acknowledge" }, "acknowledged", ""),
            (new { action = "assign", assignee = "rita" }, "acknowledged", "rita"),
            (new { action = "note", note = "10.1.2.3 is the build server; checking with its owner" }, "acknowledged", "rita"),
            (new { action = "close", reason = "false positive: scheduled scan" }, "closed", "rita"),
            (new { action = "reopen", reason = "the scan schedule does not cover this time" }, "open", "rita"),
        };
        foreach (var (body, status, assignee) in steps)
        {
            var (code, answer) = await Triage(rita, alert.AlertId, body);
            Assert.True(code == HttpStatusCode.OK, $"{JsonSerializer.Serialize(body)}: {(int)code} {answer}");
            Assert.Equal(status, answer.GetProperty("state").GetProperty("status").GetString());
            Assert.Equal(assignee, answer.GetProperty("state").GetProperty("assignee").GetString());
            Assert.Equal("rita", answer.GetProperty("change").GetProperty("user").GetString());
        }

        using var viewer = host.Http(host.Token("walter"));
        using var detail = await viewer.GetAsync($"/api/alerts/{alert.AlertId}");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var shown = JsonDocument.Parse(await detail.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(alert.AlertId, shown.GetProperty("alert").GetProperty("alert_id").GetString());
        Assert.Equal("open", shown.GetProperty("state").GetProperty("status").GetString());
        Assert.Equal(1, shown.GetProperty("state").GetProperty("notes").GetInt32());
        Assert.Equal(["acknowledge", "assign", "note", "close", "reopen"],
            shown.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("action").GetString()));
        Assert.Equal("false positive: scheduled scan", shown.GetProperty("changes")[3].GetProperty("reason").GetString());

        // The list carries each alert's state.
        using var list = await viewer.GetAsync("/api/alerts?from=now-1h&filter=" + Uri.EscapeDataString("rule == \"triage-life\""));
        var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rita", page.GetProperty("states")[0].GetProperty("assignee").GetString());

        // Every change reached the hub's alert list, in order.
        await Eventually.True(() => pushed.Count(c => c.GetProperty("alert_id").GetString() == alert.AlertId) == 5, Deadline,
            () => $"pushed {pushed.Count} changes");
        Assert.Equal(["acknowledged", "acknowledged", "acknowledged", "closed", "open"],
            pushed.Where(c => c.GetProperty("alert_id").GetString() == alert.AlertId).Select(c => c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Impossible_or_malformed_changes_are_refused_with_the_reason_and_change_nothing()
    {
        var alert = await StoredAlert("triage-refused");
        using var rita = host.Http(host.Token("rita", role: AnalystRoles.Responder));
        Assert.Equal(HttpStatusCode.BadRequest, (await Triage(rita, alert.AlertId, new { action = "close" })).Status); // no reason
        Assert.Equal(HttpStatusCode.BadRequest, (await Triage(rita, alert.AlertId, new { action = "delete" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Triage(rita, alert.AlertId, new { action = "note", note = new string('n', 10_001) })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Triage(rita, alert.AlertId, new { action = "assign", assignee = 42 })).Status);
        using (var garbage = await rita.PostAsync($"/api/alerts/{alert.AlertId}/triage", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var missing = await Triage(rita, "no-such-alert", new { action = "acknowledge" });
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.OK, (await Triage(rita, alert.AlertId, new { action = "close", reason = "duplicate of an open case" })).Status);
        var conflict = await Triage(rita, alert.AlertId, new { action = "acknowledge" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Contains("reopen it first", conflict.Body.GetProperty("error").GetString());

        // A viewer may look, not change.
        using var walter = host.Http(host.Token("walter"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Triage(walter, alert.AlertId, new { action = "reopen" })).Status);
        using var detail = await walter.GetAsync($"/api/alerts/{alert.AlertId}");
        var shown = JsonDocument.Parse(await detail.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["close"], shown.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("action").GetString()));
    }
}
