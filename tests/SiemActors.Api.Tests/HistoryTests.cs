using System.Net;
using System.Text.Json;
using SiemActors.Domain.Events;
using Xunit;

namespace SiemActors.Api.Tests;

public sealed class HistoryTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly long Base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 600_000;

    private async Task<JsonElement> GetAsync(HttpClient http, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Pages_of_a_filtered_search_hold_every_match_once_newest_first()
    {
        var stored = await host.StoreAsync(250, i => (i % 2 == 0 ? "sshd" : "dns", (Severity)(i % 8)), firstTimestamp: Base);
        var expected = stored.Where(e => e.Event.Source == "sshd" && e.Event.Severity <= Severity.Warning).ToList();
        using var http = host.Http(host.Token());
        var filter = Uri.EscapeDataString("""source == "sshd" and severity >= warning""");
        var seen = new List<(long Timestamp, string Id)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetAsync(http, $"/api/events?filter={filter}&from=now-1h&limit=20" + (cursor is null ? "" : "&cursor=" + cursor));
            foreach (var e in page.GetProperty("events").EnumerateArray())
            {
                Assert.Equal("sshd", e.GetProperty("source").GetString());
                seen.Add((e.GetProperty("timestamp").GetInt64(), e.GetProperty("event_id").GetString()!));
            }
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        } while (cursor is not null && pages < 100);

        Assert.Equal(expected.Select(e => e.Event.EventId).OrderBy(x => x), seen.Select(x => x.Id).OrderBy(x => x));
        Assert.Equal(seen.OrderByDescending(x => x.Timestamp).ThenByDescending(x => x.Id), seen);
        Assert.Equal((expected.Count + 19) / 20, pages);
    }

    [Fact]
    public async Task Searches_return_the_stored_event_in_the_live_tail_shape()
    {
        var stored = (await host.StoreAsync(1, _ => ("vpn", Severity.Critical), firstTimestamp: Base + 1_000)).Single();
        using var http = host.Http(host.Token());
        var page = await GetAsync(http, $"/api/events?filter={Uri.EscapeDataString($"event_id == \"{stored.Event.EventId}\"")}&from=now-1h");
        var found = page.GetProperty("events").EnumerateArray().Single();
        Assert.Equal(System.Text.Encoding.UTF8.GetString(SiemActors.Domain.Serialization.EventJson.ToUtf8(stored)), found.GetRawText());
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_a_reason()
    {
        using var http = host.Http(host.Token());
        var bad = await GetAsync(http, "/api/events?filter=" + Uri.EscapeDataString("severity >= loud"), HttpStatusCode.BadRequest);
        Assert.Equal(12, bad.GetProperty("position").GetInt32());
        Assert.Contains("severity", bad.GetProperty("error").GetString());
        var range = await GetAsync(http, "/api/events?from=now-30d", HttpStatusCode.BadRequest);
        Assert.Contains("max-range", range.GetProperty("error").GetString());
        await GetAsync(http, "/api/events?limit=100000", HttpStatusCode.BadRequest);
        await GetAsync(http, "/api/events?cursor=not-a-cursor!", HttpStatusCode.BadRequest);
        await GetAsync(http, "/api/events?from=yesterday", HttpStatusCode.BadRequest);
        // Times a date cannot hold (past year 9999): refused with the reason, never a bare 500 from the date arithmetic.
        var far = await GetAsync(http, "/api/events?from=900000000000000000&to=900000000000001000", HttpStatusCode.BadRequest);
        Assert.Contains("years 1", far.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Over_long_and_too_deeply_nested_filters_get_the_JSON_error_not_a_bare_414_or_a_crash()
    {
        using var http = host.Http(host.Token());
        var longOne = await GetAsync(http, "/api/events?filter=" + Uri.EscapeDataString($"message contains \"{new string('a', 5_000)}\""), HttpStatusCode.BadRequest);
        Assert.Contains("limit is 4096", longOne.GetProperty("error").GetString());
        // ~600 KB once escaped: far past Kestrel's default request line (8 KiB), still a JSON answer.
        var huge = await GetAsync(http, "/api/events?filter=" + Uri.EscapeDataString(new string('(', 100_000) + "true" + new string(')', 100_000)),
            HttpStatusCode.BadRequest);
        Assert.Contains("characters long", huge.GetProperty("error").GetString());
        var deep = await GetAsync(http, "/api/events?filter=" + Uri.EscapeDataString(new string('(', 40) + "true" + new string(')', 40)), HttpStatusCode.BadRequest);
        Assert.Contains("deeper than 32", deep.GetProperty("error").GetString());
        Assert.Equal(32, deep.GetProperty("position").GetInt32());
        var nots = await GetAsync(http, "/api/alerts?filter=" + Uri.EscapeDataString(string.Concat(Enumerable.Repeat("not ", 1_000)) + "true"), HttpStatusCode.BadRequest);
        Assert.Contains("deeper than 32", nots.GetProperty("error").GetString());
        var chain = await GetAsync(http, "/api/events?filter=" + Uri.EscapeDataString(string.Join(" or ", Enumerable.Repeat("severity==3", 270))),
            HttpStatusCode.BadRequest);
        Assert.Contains("more than 256 conditions", chain.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_api_refuses_missing_expired_and_forged_tokens()
    {
        using var anonymous = host.Http(null);
        await GetAsync(anonymous, "/api/events", HttpStatusCode.Unauthorized);
        await GetAsync(anonymous, "/api/stats", HttpStatusCode.Unauthorized);
        using var expired = host.Http(SiemActors.Auth.AnalystTokens.Issue(host.Settings.Auth, "late", TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1)));
        await GetAsync(expired, "/api/events", HttpStatusCode.Unauthorized);
        using var forged = host.Http(SiemActors.Auth.AnalystTokens.Issue(host.Settings.Auth with { ConfiguredSecret = "someone-elses-secret-0123456789abcdefgh" }, "mallory"));
        await GetAsync(forged, "/api/events", HttpStatusCode.Unauthorized);
        using var valid = host.Http(host.Token("alice"));
        Assert.Equal("alice", (await GetAsync(valid, "/api/me")).GetProperty("user").GetString());
    }

    [Fact]
    public async Task Stats_count_events_per_source_and_severity()
    {
        await host.StoreAsync(30, i => ("stats-src", i < 10 ? Severity.Error : Severity.Informational));
        using var http = host.Http(host.Token());
        var stats = await GetAsync(http, "/api/stats?window=1h");
        var rows = stats.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("source").GetString() == "stats-src")
            .ToDictionary(r => r.GetProperty("severity_name").GetString()!, r => r.GetProperty("events").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["error"] = 10, ["informational"] = 20 }, rows);
    }
}
