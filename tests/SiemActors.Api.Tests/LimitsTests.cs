using System.Net;
using System.Text.Json;
using SiemActors.Domain.Events;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>An api host with small per-user limits.</summary>
public sealed class UserLimitsApiHost : ApiHost
{
    protected override string ExtraConfig => """
        siem.api.limits { queries-per-minute = 5, subscriptions-per-user = 2, max-result-window = 25 }
        siem.api.history { default-limit = 10, max-limit = 10 }
        """;
}

/// <summary>
/// Per-user limits through the running API (docs/security.md, "Limits"): searches per minute answered 429 with
/// Retry-After beyond the allowance, live subscriptions per user over all their connections, and the rows one search
/// may page through — each refusal with its reason, each user counted on their own.
/// </summary>
public sealed class LimitsTests(UserLimitsApiHost host) : IClassFixture<UserLimitsApiHost>
{
    [Fact]
    public async Task Searches_beyond_the_rate_are_answered_429_with_Retry_After_and_other_users_go_on()
    {
        using var busy = host.Http(host.Token("busy-" + Guid.NewGuid().ToString("N")[..6]));
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/stats")).StatusCode);
        using var refused = await busy.GetAsync("/api/events");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Contains("queries-per-minute", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        using var other = host.Http(host.Token("calm-" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/events")).StatusCode);
    }

    [Fact]
    public async Task A_user_holds_at_most_the_configured_subscriptions_over_all_their_connections()
    {
        var token = host.Token("tabs-" + Guid.NewGuid().ToString("N")[..6]);
        await using var first = new LiveClient(host.Hub(token));
        await using var second = new LiveClient(host.Hub(token));
        await first.Connection.StartAsync();
        await second.Connection.StartAsync();
        Assert.NotNull((await first.SubscribeAsync("true")).SubscriptionId);
        Assert.NotNull((await second.SubscribeAsync("severity >= error")).SubscriptionId);
        var third = await second.SubscribeAsync("source == \"sshd\"");
        Assert.Null(third.SubscriptionId);
        Assert.Contains("subscriptions-per-user", third.Error);

        await using var someoneElse = new LiveClient(host.Hub(host.Token("other-" + Guid.NewGuid().ToString("N")[..6])));
        await someoneElse.Connection.StartAsync();
        Assert.NotNull((await someoneElse.SubscribeAsync("true")).SubscriptionId);

        // Closing a connection gives its subscriptions back.
        await first.Connection.StopAsync();
        await SiemActors.Testing.Eventually.True(async () => (await second.SubscribeAsync("source == \"sshd\"")).SubscriptionId is not null,
            TimeSpan.FromSeconds(10), "a subscription was not allowed after the user's other connection closed");
    }

    [Fact]
    public async Task A_search_pages_through_at_most_the_result_window_then_asks_to_be_narrowed()
    {
        var source = "window-" + Guid.NewGuid().ToString("N")[..6];
        await host.StoreAsync(40, _ => (source, Severity.Notice));
        using var http = host.Http(host.Token("pager-" + Guid.NewGuid().ToString("N")[..6]));
        var filter = Uri.EscapeDataString($"source == \"{source}\"");
        var rows = 0;
        string? cursor = null;
        for (var page = 0; page < 3; page++)
        {
            var body = JsonDocument.Parse(await http.GetStringAsync($"/api/events?from=now-1h&filter={filter}" + (cursor is null ? "" : "&cursor=" + cursor))).RootElement;
            rows += body.GetProperty("events").GetArrayLength();
            cursor = body.GetProperty("next_cursor").GetString();
        }
        Assert.Equal(25, rows); // 10 + 10 + the 5 left of the window
        Assert.NotNull(cursor);
        using var beyond = await http.GetAsync($"/api/events?from=now-1h&filter={filter}&cursor={cursor}");
        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
        Assert.Contains("max-result-window", await beyond.Content.ReadAsStringAsync());
    }
}
