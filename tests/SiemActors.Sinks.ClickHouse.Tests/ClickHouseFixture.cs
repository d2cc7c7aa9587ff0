using Akka.Configuration;
using Akka.Event;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

/// <summary>
/// The ClickHouse that scripts/services.sh started (SIEM_CLICKHOUSE_URL, default http://127.0.0.1:8123). Every
/// settings object it hands out names a database of its own, dropped at the end.
/// </summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];

    public static string Url => Environment.GetEnvironmentVariable("SIEM_CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";

    public ClickHouseHttpClient Client { get; private set; } = null!;

    public ClickHouseSinkSettings NewSettings(string? url = null)
    {
        var database = "test_" + Guid.NewGuid().ToString("N")[..12];
        lock (_databases) _databases.Add(database);
        return ClickHouseSinkSettings.Create(ConfigurationFactory.ParseString($$"""
            siem.sinks.clickhouse {
              url = "{{url ?? Url}}"
              database = {{database}}
              retry-min-backoff = 50ms
              retry-max-backoff = 500ms
              request-timeout = 10s
            }
            """));
    }

    public async Task InitializeAsync()
    {
        Client = new ClickHouseHttpClient(ClickHouseSinkSettings.Create(ConfigurationFactory.ParseString($"siem.sinks.clickhouse.url = \"{Url}\"")
            ).WithDatabase("default") with { RetryMaxBackoff = TimeSpan.FromMilliseconds(100) }, NoLogger.Instance);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await probe.GetStringAsync(Url + "/ping");
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"no ClickHouse at {Url}: run the tests with scripts/test.sh, or start it with scripts/services.sh start", ex);
        }
    }

    public async Task<string> Query(string sql) => (await Client.QueryAsync(sql)).TrimEnd('\n');

    public async Task DisposeAsync()
    {
        foreach (var database in _databases) await Client.QueryAsync($"DROP DATABASE IF EXISTS {database}");
        Client.Dispose();
    }
}
