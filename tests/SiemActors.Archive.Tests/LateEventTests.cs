using SiemActors.Domain.Filtering;
using Xunit;

namespace SiemActors.Archive.Tests;

/// <summary>
/// Events for a day already archived (a shipper that was offline) are archived as a further part of the day and the
/// manifest updated — whether the day was already dropped from ClickHouse or not — with no event archived twice, even
/// one written to ClickHouse again; and search finds them.
/// </summary>
[Collection("archive")]
public sealed class LateEventTests(ArchiveFixture fixture) : IClassFixture<ArchiveFixture>
{
    [Fact]
    public async Task A_late_event_for_a_dropped_day_becomes_a_new_part_and_search_finds_it()
    {
        using var world = await fixture.NewWorld();
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-50);
        await world.InsertDay(day, 1_000);
        var first = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.True(first.Drops.Single().Dropped);

        // Days later: three late events for the day, and one event of the day written again (a replay), ingested later.
        await world.InsertDay(day, 3, "late", ingestedAtMs: 1_800_000_000_000);
        await world.InsertDay(day, 1, "ev", ingestedAtMs: 1_800_000_000_000);
        var second = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Empty(second.Failures);
        Assert.Equal(3, second.Archived.Single().RowsWritten);
        Assert.True(second.Drops.Single().Dropped);
        Assert.Equal(0, await world.Count(day));
        var manifest = await world.Objects.ManifestAsync(day, CancellationToken.None);
        Assert.Equal(1_003, manifest!.Rows);
        Assert.Equal(2, manifest.Parts.Count);
        Assert.EndsWith("part-1.parquet", manifest.Parts[1].Key);

        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var found = await new ArchiveSearch(world.Objects).SearchAsync([day], dayStart, dayStart + 86_400_000,
            FilterPredicate.Compile("event_id startswith \"late-\""), 10, null, CancellationToken.None);
        Assert.Equal(["late-2", "late-1", "late-0"], found.Select(f => f.EventId));
        Assert.Contains("\"event_id\":\"late-0\"", System.Text.Encoding.UTF8.GetString(found[2].Json));

        var rows = await IndependentReader.Rows(world);
        Assert.Equal(1_003, rows.Count);
        Assert.Equal(1_003, rows.Select(r => r.Split('|')[1]).Distinct().Count());
    }

    [Fact]
    public async Task A_late_event_for_an_archived_day_still_in_ClickHouse_is_archived_once()
    {
        using var world = await fixture.NewWorld();
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-5);
        await world.InsertDay(day, 2_000);
        await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        await world.InsertDay(day, 2, "late", ingestedAtMs: 1_800_000_000_000);
        await world.InsertDay(day, 1, "ev", ingestedAtMs: 1_800_000_000_000); // ev-0 again, at its time: already archived
        var pass = world.Pass();
        var second = await pass.RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var third = await pass.RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(2, second.Archived.Single().RowsWritten);
        Assert.All(third.Archived, a => Assert.Equal(0, a.RowsWritten));
        Assert.Equal(2_002, await world.Count(day));
        var manifest = await world.Objects.ManifestAsync(day, CancellationToken.None);
        Assert.Equal(2_002, manifest!.Rows);
        Assert.Equal(2_002, manifest.ClickHouseRows);
    }

    [Fact]
    public async Task Search_pages_newest_first_with_a_cursor_and_the_filter()
    {
        using var world = await fixture.NewWorld("row-group-rows = 300\npart-max-rows = 900");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-60);
        await world.InsertDay(day, 3_000);
        await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var expected = (await IndependentReader.ClickHouseRows(world, [day])).Count; // 0: dropped
        Assert.Equal(0, expected);

        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var search = new ArchiveSearch(world.Objects);
        var match = FilterPredicate.Compile("user == \"jürgen\" and severity <= error"); // error or less severe: 3..7
        var seen = new List<string>();
        (long, string)? cursor = null;
        while (true)
        {
            var page = await search.SearchAsync([day], dayStart, dayStart + 86_400_000, match, 100, cursor, CancellationToken.None);
            seen.AddRange(page.Take(100).Select(p => p.EventId));
            if (page.Count <= 100) break;
            cursor = (page[99].TimestampMs, page[99].EventId);
        }
        // user jürgen: number % 4 == 2; severity number % 8, error or less severe (3..7): number % 8 == 6.
        var want = Enumerable.Range(0, 3_000).Where(n => n % 4 == 2 && n % 8 >= 3).Select(n => $"ev-{n}").Reverse().ToList();
        Assert.Equal(want, seen);
    }
}
