using Xunit;

namespace SiemActors.Archive.Tests;

/// <summary>
/// Days of 100,000 events each go from ClickHouse to Parquet on a real S3-compatible server (s3rver), are dropped from
/// ClickHouse, and an independent reader (DuckDB) finds every row once, equal column by column to ClickHouse's.
/// </summary>
[Collection("archive")]
public sealed class ArchiveRoundTripTests(ArchiveFixture fixture) : IClassFixture<ArchiveFixture>
{
    [Fact]
    public async Task Three_days_of_100000_events_are_archived_dropped_and_read_back_by_DuckDB_row_for_row()
    {
        using var world = await fixture.NewWorld("row-group-rows = 20000\npart-max-rows = 60000");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DateOnly[] days = [today.AddDays(-42), today.AddDays(-41), today.AddDays(-40)];
        for (var i = 0; i < days.Length; i++) await world.InsertDay(days[i], 100_000, $"d{i}");
        var expected = await IndependentReader.ClickHouseRows(world, days);
        Assert.Equal(300_000, expected.Count);

        var pass = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Empty(pass.Failures);
        Assert.Equal(3, pass.Drops.Count(d => d.Dropped));
        foreach (var day in days) Assert.Equal(0, await world.Count(day));
        foreach (var day in days)
        {
            var manifest = await world.Objects.ManifestAsync(day, CancellationToken.None);
            Assert.NotNull(manifest);
            Assert.Equal(100_000, manifest.Rows);
            Assert.Equal(2, manifest.Parts.Count); // part-max-rows 60,000
            Assert.Equal(["part-0.parquet", "part-1.parquet"], manifest.Parts.Select(p => p.Key[(p.Key.LastIndexOf('/') + 1)..]));
            var verified = await new ArchiveVerifier(world.Objects).VerifyAsync(day, CancellationToken.None);
            Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        }

        var dir = await IndependentReader.Download(world);
        try
        {
            var found = IndependentReader.DuckDbRows(dir);
            Assert.Equal(300_000, found.Count);
            Assert.Equal(300_000, found.Distinct().Count());
            var missing = expected.Except(found).Take(3).ToList();
            var extra = found.Except(expected).Take(3).ToList();
            Assert.True(missing.Count == 0 && extra.Count == 0, $"ClickHouse rows not in the archive: {string.Join(" / ", missing)}; archive rows not in ClickHouse: {string.Join(" / ", extra)}");
            var types = IndependentReader.DuckDbTypes(dir);
            Assert.Equal("TIMESTAMP WITH TIME ZONE", types["timestamp"]);
            Assert.Equal("INTEGER", types["src_port"]);
            Assert.Equal("VARCHAR[]", types["tags"]);
            Assert.Equal("MAP(VARCHAR, VARCHAR)", types["attributes"]);
        }
        finally
        {
            IndependentReader.Delete(dir);
        }
    }

    [Fact]
    public async Task A_day_within_retention_is_archived_and_kept_and_a_second_pass_writes_nothing()
    {
        using var world = await fixture.NewWorld();
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3);
        await world.InsertDay(day, 5_000);

        var first = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var pass = world.Pass();
        await pass.RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var again = await pass.RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(5_000, first.Archived.Single().RowsWritten);
        Assert.Empty(first.Drops);
        Assert.Equal(5_000, await world.Count(day));
        Assert.All(again.Archived, a => Assert.Equal(0, a.RowsWritten));
        var manifest = await world.Objects.ManifestAsync(day, CancellationToken.None);
        Assert.Single(manifest!.Parts);
        Assert.Equal(5_000, manifest.ClickHouseRows);
    }

    [Fact]
    public async Task Today_and_a_day_inside_the_grace_are_not_archived()
    {
        using var world = await fixture.NewWorld("grace = 1d");
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await world.InsertDay(today, 100);
        await world.InsertDay(today.AddDays(-1), 100); // ended less than a day ago

        var pass = await world.Pass().RunOnceAsync(now, CancellationToken.None);

        Assert.Empty(pass.Archived);
        Assert.Empty(await world.Store.ListAsync("events/", CancellationToken.None));
    }

    [Fact]
    public async Task The_local_directory_target_takes_the_same_path()
    {
        using var world = await fixture.NewWorld(s3: false);
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-35);
        await world.InsertDay(day, 2_000);
        var expected = await IndependentReader.ClickHouseRows(world, [day]);

        var pass = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True(pass.Drops.Single().Dropped);
        try
        {
            Assert.Equal(expected.Order(), (await IndependentReader.Rows(world)).Order());
        }
        finally
        {
            IndependentReader.Delete(world.Settings.Location!.Directory);
        }
    }
}
