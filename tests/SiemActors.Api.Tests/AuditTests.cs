using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Api.Live;
using SiemActors.Auth;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>
/// The audit trail through the running API (docs/security.md): each kind of action — sign-in, search, stats, alert
/// search, subscription, unsubscription, alert list, alert change, a read of the trail — is recorded with who, the
/// roles, from where, what and the result size, and admins (only) read it back with GET /api/audit. Management calls
/// are covered by the integration tests (OperationsTests), on a real node.
/// </summary>
public sealed class AuditTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string NewUser(string who) => $"{who}-{Guid.NewGuid():N}"[..20];

    /// <summary>The user's records of one action, once at least <paramref name="count"/> are stored.</summary>
    private async Task<JsonElement[]> Trail(string user, string action, int count = 1)
    {
        using var admin = host.Http(host.Token("auditor", role: AnalystRoles.Admin));
        JsonElement[] entries = [];
        await Eventually.True(async () =>
        {
            using var response = await admin.GetAsync($"/api/audit?from=now-1h&user={Uri.EscapeDataString(user)}&action={action}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            entries = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("entries").EnumerateArray().Select(e => e.Clone()).ToArray();
            return entries.Length >= count;
        }, Deadline, () => $"{user} {action}: {entries.Length} records");
        return entries;
    }

    [Fact]
    public async Task A_sign_in_is_recorded_once_per_token_and_a_refused_token_with_the_reason()
    {
        var user = NewUser("sign");
        using var http = host.Http(host.Token(user));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode);
        // The trail is written in order: once a later action is stored, a second sign-in would be stored too.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/stats")).StatusCode);
        await Trail(user, "stats");
        var only = Assert.Single(await Trail(user, "sign_in"));
        Assert.Equal("ok", only.GetProperty("result").GetString());
        Assert.Equal(["viewer"], only.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("127.0.0.1", only.GetProperty("remote").GetString());

        using var expired = host.Http(AnalystTokens.Issue(host.Settings.Auth, user, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-2)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/events")).StatusCode);
        var refused = await Trail("(refused token)", "sign_in");
        Assert.Contains(refused, e => e.GetProperty("detail").GetString()!.Contains("expired") && e.GetProperty("status").GetInt32() == 401);
    }

    [Fact]
    public async Task Searches_stats_and_alert_searches_are_recorded_with_the_filter_and_the_rows_returned()
    {
        var user = NewUser("search");
        await host.StoreAsync(7, i => ("audit-src", Severity.Warning));
        using var http = host.Http(host.Token(user));
        var filter = "source == \"audit-src\" and user == \"alice\" or source == \"audit-src\"";
        var page = await http.GetFromJsonAsync<JsonElement>("/api/events?from=now-1h&filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(7, page.GetProperty("events").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/events?filter=" + Uri.EscapeDataString("severity >= loud"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/stats?window=1h")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/alerts?from=now-1h&filter=" + Uri.EscapeDataString("rule == \"audited\""))).StatusCode);

        var searches = await Trail(user, "search", 2);
        var ok = Assert.Single(searches, e => e.GetProperty("result").GetString() == "ok");
        Assert.Contains("user == \"alice\"", ok.GetProperty("detail").GetString());
        Assert.Equal(7, ok.GetProperty("result_size").GetInt64());
        var bad = Assert.Single(searches, e => e.GetProperty("result").GetString() == "refused");
        Assert.Equal(400, bad.GetProperty("status").GetInt32());
        Assert.Contains("window=1h", Assert.Single(await Trail(user, "stats")).GetProperty("detail").GetString());
        var alertSearch = Assert.Single(await Trail(user, "alerts_search"));
        Assert.Contains("audited", alertSearch.GetProperty("detail").GetString());
        Assert.Equal(0, alertSearch.GetProperty("result_size").GetInt64());

        // "Who looked at alice's events?": the detail holds the filter.
        using var admin = host.Http(host.Token("auditor", role: AnalystRoles.Admin));
        var who = await admin.GetFromJsonAsync<JsonElement>("/api/audit?from=now-1h&action=search&contains=ALICE");
        Assert.Contains(who.GetProperty("entries").EnumerateArray(), e => e.GetProperty("user").GetString() == user);
    }

    [Fact]
    public async Task Subscriptions_their_end_and_the_alert_list_are_recorded_with_the_filter()
    {
        var user = NewUser("live");
        await using var client = new LiveClient(host.Hub(host.Token(user)));
        await client.Connection.StartAsync();
        var subscribed = await client.SubscribeAsync("src_ip in 10.0.0.0/8");
        Assert.NotNull(subscribed.SubscriptionId);
        Assert.NotNull((await client.SubscribeAsync("severity >= loud")).Error);
        Assert.True(await client.Connection.InvokeAsync<bool>("Unsubscribe", subscribed.SubscriptionId));
        await client.Connection.InvokeAsync<JsonElement[]>("SubscribeAlerts");

        var subscriptions = await Trail(user, "subscribe", 2);
        Assert.Contains(subscriptions, e => e.GetProperty("result").GetString() == "ok" && e.GetProperty("detail").GetString()!.Contains("10.0.0.0/8"));
        Assert.Contains(subscriptions, e => e.GetProperty("result").GetString() == "refused" && e.GetProperty("detail").GetString()!.Contains("loud"));
        Assert.Contains(subscribed.SubscriptionId!, Assert.Single(await Trail(user, "unsubscribe")).GetProperty("detail").GetString());
        Assert.Single(await Trail(user, "alerts_subscribe"));
    }

    [Fact]
    public async Task An_alert_change_is_recorded_with_what_changed()
    {
        var user = NewUser("triage");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var alert = new Alert($"audit-{Guid.NewGuid():N}", "audit-rule", Severity.Error, "d", "src_ip", "10.9.9.9", now - 10, now, 1, [], now);
        await host.StoreAlertsAsync([alert]);
        using var http = host.Http(host.Token(user, role: AnalystRoles.Responder));
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/api/alerts/{alert.AlertId}/triage", new { action = "assign", assignee = "bob" })).StatusCode);
        var change = Assert.Single(await Trail(user, "alert_change"));
        Assert.Contains(alert.AlertId, change.GetProperty("detail").GetString());
        Assert.Contains("assignee=bob", change.GetProperty("detail").GetString());
        Assert.Equal(["viewer", "responder"], change.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Reading_the_trail_is_itself_recorded_and_only_admins_may()
    {
        var user = NewUser("admin");
        using var admin = host.Http(host.Token(user, role: AnalystRoles.Admin));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/audit?action=search&contains=secret-case-42")).StatusCode);
        Assert.Contains("secret-case-42", Assert.Single(await Trail(user, "audit_read")).GetProperty("detail").GetString());
        using var responder = host.Http(host.Token(NewUser("resp"), role: AnalystRoles.Responder));
        Assert.Equal(HttpStatusCode.Forbidden, (await responder.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/audit?action=drop_table")).StatusCode);
    }
}
