using Xunit;

namespace SiemActors.Archive.Tests;

/// <summary>A day past retention that the archive does not hold is not dropped: it stays, is counted and alerted, and the reason says why.</summary>
[Collection("archive")]
public sealed class RetentionTests(ArchiveFixture fixture) : IClassFixture<ArchiveFixture>
{
    [Fact]
    public async Task A_day_past_retention_that_cannot_be_archived_stays_in_ClickHouse_with_an_alert()
    {
        using var world = await fixture.NewWorld();
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40);
        await world.InsertDay(day, 500);
        var alerts = new List<Domain.Alerts.Alert>();
        using var broken = new FailingStore(world.Store, failOnPut: 1);

        var pass = await world.Pass(store: broken, alert: (a, _) =>
        {
            alerts.AddRange(a);
            return Task.CompletedTask;
        }).RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Single(pass.Failures);
        var blocked = Assert.Single(pass.Blocked);
        Assert.Contains("not archived", blocked.Blocked);
        Assert.Equal(500, await world.Count(day));
        var alert = Assert.Single(alerts);
        Assert.Equal(ArchivePass.AlertRule, alert.Rule);
        Assert.Equal(ArchiveLayout.Day(day), alert.Key);
        Assert.Contains("kept in ClickHouse", alert.Description);
        Assert.Equal(1, ArchiveMetrics.Blocked.Value);

        // Once the store takes writes again, the next pass archives and drops it.
        var healed = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.True(healed.Drops.Single().Dropped);
        Assert.Equal(0, await world.Count(day));
    }

    [Fact]
    public async Task Retention_zero_never_drops()
    {
        using var world = await fixture.NewWorld("retention-days = 0");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-400);
        await world.InsertDay(day, 100);

        var pass = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(100, pass.Archived.Single().RowsWritten);
        Assert.Empty(pass.Drops);
        Assert.Equal(100, await world.Count(day));
    }
}
