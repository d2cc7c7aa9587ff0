using SiemActors.Domain.Faults;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The delivery contract at each dangerous step, deliberately: the node runs with one crash point armed
/// (<see cref="CrashPoints"/>), dies there by SIGKILL mid-stream, is restarted, and the stores are audited from outside.
/// Every scenario carries the same traffic (<see cref="ContractWorld"/>), so every test checks every store: ClickHouse
/// rows through FINAL = distinct ids = good events (raw rows before merges reported), Redis keys and stream entries =
/// good events, one alert per attacker in ClickHouse and the Redis stream, every dead letter sent, the Kafka output
/// complete (its duplicates reported: it is at least once), and every offset committed.
/// </summary>
public sealed class CrashPointTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private const int Total = 8_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(CrashPoint.ClickHouseAfterBeforeRow, 3)]
    [InlineData(CrashPoint.ClickHouseAfterInsert, 3)]
    [InlineData(CrashPoint.ClickHouseAfterAfterRow, 3)]
    [InlineData(CrashPoint.RedisBeforeScript, 20)]
    [InlineData(CrashPoint.RedisAfterScript, 20)]
    [InlineData(CrashPoint.DeadLetterAfterProduce, 5)]
    [InlineData(CrashPoint.KafkaOutputAfterProduce, 20)]
    [InlineData(CrashPoint.BeforeCommit, 20)]
    [InlineData(CrashPoint.DuringCommit, 3)]
    [InlineData(CrashPoint.DetectionAfterJournal, 5)]
    [InlineData(CrashPoint.DetectionAfterAlertRedis, 1)]
    public async Task A_node_killed_at_the_crash_point_loses_nothing_and_stores_nothing_twice(string point, int hit)
    {
        var bad = ContractWorld.Bad(Total);
        var good = Total - bad;
        await using var harness = new PipelineHarness(fixture.Services.RedisEndpoint, fixture.Services.ClickHouseUrl, ContractWorld.Config(Total));
        var node = harness.StartNode(environment: new Dictionary<string, string>
        {
            [CrashPoints.PointVariable] = point, [CrashPoints.AfterVariable] = hit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // Produced while the node consumes, so that batches are small and each point is met many times.
        await node.UntilReady(Patience);
        var producing = harness.ProduceAsync(0, Total, perSecond: 2_000, ContractWorld.Records(Total));

        Assert.True(await node.ExitedWithin(Patience), $"the node did not reach {point} {hit} time(s)\n{harness.Tail()}");
        Assert.Equal(137, node.ExitCode);
        Assert.Contains($"crash point {point} reached (hit {hit})", harness.Tail(400), StringComparison.Ordinal);
        var (atCrash, _) = await harness.ClickHouseCounts();
        output.WriteLine($"the node died at {point} (hit {hit}) with {atCrash} events in ClickHouse");

        node = harness.StartNode();
        await producing;
        await harness.UntilAllStored(good, Patience);
        var audit = await ContractAudit.WhenComplete(harness, bad, Patience);
        output.WriteLine(audit.ToString());
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        Assert.Equal((good, good), (audit.RowsFinal, audit.DistinctIds));
        Assert.True(audit.RawRows >= good, $"{audit.RawRows} raw rows for {good} events");
        Assert.Equal((good, good), (audit.RedisIds, audit.RedisEvents));
        Assert.Equal((ContractWorld.Attackers, ContractWorld.Attackers), (audit.Alerts, audit.AlertStreamEntries));
        Assert.Equal(ContractWorld.ToOutput(Total, Total), audit.OutputDistinct);
        Assert.Equal(bad, audit.DeadLetterDistinct);
        Assert.True(audit.CommittedToEnd);
    }
}
