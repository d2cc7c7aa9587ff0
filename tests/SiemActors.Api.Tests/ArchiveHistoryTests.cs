using System.Text.Json;
using Akka.Event;
using SiemActors.Archive;
using SiemActors.Domain.Events;
using SiemActors.Sinks.ClickHouse;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>The api host with the archive on, in a directory of its own (the node's file:// target), 30 days' retention.</summary>
public sealed class ArchiveApiHost : ApiHost
{
    public string ArchiveDirectory { get; } = Path.Combine(Path.GetTempPath(), "siem-api-archive-" + Guid.NewGuid().ToString("N")[..8]);

    protected override string ExtraConfig => $$"""siem.archive { enabled = true, target = "file://{{ArchiveDirectory}}", retention-days = 30, grace = 1h }""";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(ArchiveDirectory)) Directory.Delete(ArchiveDirectory, recursive: true);
    }
}

/// <summary>
/// History through the running API across the tiers: a day past ClickHouse's retention is read from the archive,
/// marked, merged with what ClickHouse still holds of it (a late event), paged with the same cursor.
/// </summary>
public sealed class ArchiveHistoryTests(ArchiveApiHost host) : IClassFixture<ArchiveApiHost>
{
    [Fact]
    public async Task A_search_over_an_archived_day_reads_the_archive_marks_its_events_and_merges_a_late_event()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40);
        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var stored = await host.StoreAsync(120, i => (i % 3 == 0 ? "sshd" : "dns", Severity.Warning), firstTimestamp: dayStart + 3_600_000);
        var settings = ArchiveSettings.Create(host.Config);
        using var clickHouse = new ClickHouseHttpClient(host.StoreSettings, NoLogger.Instance);
        using var store = ArchiveStores.Open(settings);
        var objects = new ArchiveObjects(store, settings.SpillDir);
        var days = new ClickHouseDays(clickHouse, host.StoreSettings);
        var pass = await new ArchivePass(days, objects, new DayArchiver(days, objects, settings, NoLogger.Instance), settings, NoLogger.Instance)
            .RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.True(Assert.Single(pass.Drops).Dropped);
        // A late event for the day, in ClickHouse only (the archive takes it at its next pass).
        var late = (await host.StoreAsync(1, _ => ("sshd", Severity.Critical), firstTimestamp: dayStart + 7_200_000)).Single();

        using var http = host.Http(host.Token());
        var filter = Uri.EscapeDataString("source == \"sshd\"");
        var seen = new List<JsonElement>();
        string? cursor = null;
        JsonElement first = default;
        for (var pages = 0; pages < 20; pages++)
        {
            using var response = await http.GetAsync($"/api/events?filter={filter}&from={dayStart}&to={dayStart + 86_400_000}&limit=15" + (cursor is null ? "" : "&cursor=" + cursor));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var page = JsonDocument.Parse(body).RootElement.Clone();
            if (pages == 0) first = page;
            seen.AddRange(page.GetProperty("events").EnumerateArray());
            cursor = page.GetProperty("next_cursor").GetString();
            if (cursor is null) break;
        }

        Assert.Equal([ArchiveLayout.Day(day)], first.GetProperty("archive_days").EnumerateArray().Select(d => d.GetString()));
        var expected = stored.Where(e => e.Event.Source == "sshd").Append(late).Select(e => e.Event.EventId).Order().ToList();
        Assert.Equal(expected, seen.Select(e => e.GetProperty("event_id").GetString()!).Order());
        Assert.Equal(seen.Select(e => (e.GetProperty("timestamp").GetInt64(), e.GetProperty("event_id").GetString()))
            .OrderByDescending(x => x.Item1).ThenByDescending(x => x.Item2, StringComparer.Ordinal), seen.Select(e => (e.GetProperty("timestamp").GetInt64(), e.GetProperty("event_id").GetString())));
        foreach (var e in seen)
        {
            var fromArchive = e.TryGetProperty("archived", out var flag) && flag.GetBoolean();
            Assert.Equal(e.GetProperty("event_id").GetString() != late.Event.EventId, fromArchive);
        }
        // The archive's copy of an event is the event JSON the live tail and ClickHouse's history give, marked.
        var one = stored.First(e => e.Event.Source == "sshd");
        var archived = seen.Single(e => e.GetProperty("event_id").GetString() == one.Event.EventId).GetRawText();
        var live = System.Text.Encoding.UTF8.GetString(SiemActors.Domain.Serialization.EventJson.ToUtf8(one));
        Assert.Equal(live[..^1] + ",\"archived\":true}", archived);
    }
}
