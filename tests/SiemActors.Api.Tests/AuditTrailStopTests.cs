using Akka.Configuration;
using NoLogger = Akka.Event.NoLogger;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Audit;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>
/// The audit trail stopping while ClickHouse refuses its batch (here: the table dropped under it, an error that does not
/// pass by itself): the records of the batch being retried are logged at Error with every field, not dropped unseen.
/// </summary>
public sealed class AuditTrailStopTests
{
    private static readonly string ClickHouseUrl = Environment.GetEnvironmentVariable("SIEM_CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";

    [Fact]
    public async Task Records_of_a_batch_being_retried_when_the_node_stops_are_logged_at_error()
    {
        var database = $"auditstop_{Guid.NewGuid():N}"[..20];
        var config = ConfigurationFactory.ParseString($$"""
            siem.sinks.clickhouse { url = "{{ClickHouseUrl}}", database = {{database}}, retry-max-backoff = 500ms, request-timeout = 10s }
            siem.api.audit.flush-interval = 50ms
            """);
        var store = ClickHouseSinkSettings.Create(config);
        using var clickHouse = new ClickHouseHttpClient(store, NoLogger.Instance);
        var log = new CollectingLogger();
        var trail = new AuditTrail(new ClickHouseAuditWriter(clickHouse, store), AuditSettings.FromConfig(config), log);
        try
        {
            await trail.StartAsync(CancellationToken.None);
            await Eventually.True(async () => (await clickHouse.QueryAsync($"EXISTS TABLE {store.AuditTable} FORMAT TSV")).Trim() == "1",
                TimeSpan.FromSeconds(30), "the audit table created", TimeSpan.FromMilliseconds(100));
            await clickHouse.QueryAsync($"DROP TABLE {store.AuditTable}");

            for (var i = 0; i < 3; i++) trail.Record(null, "stop-tester", "127.0.0.1", AuditActions.Search, $"search {i}", "ok", 200);
            await Eventually.True(() => log.Contains("Audit records not stored (attempt 1)"), TimeSpan.FromSeconds(30),
                () => $"the refused batch, in the log:\n{log}", TimeSpan.FromMilliseconds(50));

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await trail.StopAsync(stop.Token);
            for (var i = 0; i < 3; i++)
                Assert.Contains(log.Errors, line => line.Contains("the node stopped before ClickHouse took it") && line.Contains("stop-tester")
                                                    && line.Contains($"search {i}"));
        }
        finally
        {
            trail.Dispose();
            await clickHouse.QueryAsync($"DROP DATABASE IF EXISTS {database}");
        }
    }

    /// <summary>The trail's log lines, formatted.</summary>
    private sealed class CollectingLogger : ILogger<AuditTrail>
    {
        private readonly List<(LogLevel Level, string Text)> _lines = [];

        public IReadOnlyList<string> Errors
        {
            get { lock (_lines) return _lines.Where(l => l.Level == LogLevel.Error).Select(l => l.Text).ToList(); }
        }

        public bool Contains(string text)
        {
            lock (_lines) return _lines.Any(l => l.Text.Contains(text, StringComparison.Ordinal));
        }

        public override string ToString()
        {
            lock (_lines) return string.Join('\n', _lines.Select(l => $"{l.Level}: {l.Text}"));
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
