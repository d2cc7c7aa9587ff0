using System.Globalization;
using System.Text;
using System.Text.Json;
using SiemActors.Integration.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>
/// Loss is never silent: a partition pushed past the broker's retention while the node is down (the mock keeps about
/// 5 MiB per partition) makes the node, on its return, report the exact range it can no longer read — in the log, on
/// /metrics, as a row of ingest_gaps, as the critical alert ingest-gap in Redis and ClickHouse, and as a degraded
/// /health/ready until acknowledged.
/// </summary>
public sealed class IngestGapTests(ServicesFixture fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<ServicesFixture>
{
    private static byte[] Large(int i) =>
        Encoding.UTF8.GetBytes($$"""{"id":"gap-{{i}}","host":"gap-host","source_type":"gap","message":"{{new string('g', 2000)}} {{i}}"}""");

    [Fact]
    public async Task Records_deleted_by_retention_while_the_node_was_down_are_an_alert_a_metric_a_gap_row_and_a_degraded_readiness()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, "siem.metrics.port = 0");
        await harness.ProduceAsync(0, 1_600, perSecond: 100_000);
        var node = harness.StartNode();
        await harness.UntilAllStored(1_600, TimeSpan.FromMinutes(2));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
        var committed = harness.Committed()[0];

        // While the node is down: ~8 MiB into partition 0, past the broker's ~5 MiB retention.
        await harness.ProduceBulkAsync(0, Enumerable.Range(0, 4_000).Select(Large));
        var (low, high) = harness.Watermarks(0);
        Assert.True(low > committed, $"retention did not reach the committed offset {committed}: the log is {low}..{high}");
        var lost = low - committed;
        var kept = high - low;
        log.WriteLine($"partition 0: committed {committed}, log now {low}..{high}: {lost} records deleted unread, {kept} left");

        node = harness.StartNode();
        await harness.UntilAllStored(1_600 + kept, TimeSpan.FromMinutes(3));

        // The gap row, exactly the range.
        Assert.Equal($"siem-events\t0\t{committed}\t{low - 1}\t{lost}\tearliest",
            (await harness.Query($"SELECT topic, partition, first_offset, last_offset, records, policy FROM {harness.Database}.ingest_gaps FINAL FORMAT TabSeparated")).Trim());
        // The alert, in ClickHouse and in Redis (the hub and the UI's Alerts tab read that stream).
        var alertId = $"ingest-gap:siem-events:0:{committed}-{low - 1}";
        Assert.Equal($"{alertId}\t2\t{lost}",
            (await harness.Query($"SELECT alert_id, severity, count FROM {harness.Database}.alerts FINAL WHERE rule = 'ingest-gap' FORMAT TabSeparated")).Trim());
        var (_, entries) = await harness.Alerts("ingest-gap");
        Assert.Equal(1, entries);

        using var http = new HttpClient { BaseAddress = new Uri(node.HttpUrl), Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains($"siem_records_skipped_total{{topic=\"siem-events\",partition=\"0\"}} {lost.ToString(CultureInfo.InvariantCulture)}", metrics);
        Assert.Contains("siem_ingest_gap_alarms 1", metrics);

        var ready = JsonDocument.Parse(await http.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("degraded", ready.GetProperty("status").GetString());
        Assert.Contains($"{lost} records never processed", ready.GetProperty("checks").GetProperty("ingest-gaps").GetProperty("detail").GetString());

        var common = new[] { "--node", node.HttpUrl, "--token", PipelineHarness.ManagementToken };
        var (code, output) = await Siemctl.RunAsync(["pipeline", "gaps", .. common]);
        Assert.Equal(0, code);
        Assert.Matches($@"siem-events\s+0\s+{committed}\.\.{low - 1}\s+{lost:N0}\s+earliest\s+ALARM", output);
        (code, output) = await Siemctl.RunAsync(["pipeline", "gaps", "--acknowledge", .. common]);
        Assert.Equal((0, "acknowledged: 1 gap alarm(s)"), (code, output.Trim()));
        ready = JsonDocument.Parse(await http.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("healthy", ready.GetProperty("status").GetString());

        Assert.Contains("INGEST GAP", harness.Tail(400));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }
}
