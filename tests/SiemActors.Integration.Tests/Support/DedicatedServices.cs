using SiemActors.Testing;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// A Redis (with an append-only file) and a ClickHouse of the test's own, on free loopback ports, started and
/// stopped for real through scripts/services.sh — so a test can take them down without touching anyone else's.
/// </summary>
public sealed class DedicatedServices : IAsyncDisposable
{
    private Dictionary<string, string> _env = null!;

    private readonly IReadOnlyDictionary<string, string> _extra;

    /// <param name="extra">More of services.sh's environment: TLS and credentials (SIEM_TLS_DIR, SIEM_REDIS_USER, …).</param>
    public DedicatedServices(IReadOnlyDictionary<string, string>? extra = null)
    {
        _extra = extra ?? new Dictionary<string, string>();
        PickPorts();
    }

    /// <summary>Free ports and a fresh directory (again after a start lost a port to another process).</summary>
    private void PickPorts()
    {
        RedisPort = Ports.Free();
        ClickHouseHttpPort = Ports.Free();
        ClickHouseHttpsPort = Ports.Free();
        _env = new Dictionary<string, string>
        {
            ["SIEM_SERVICES_DIR"] = Path.Combine(Path.GetTempPath(), "siem-it-" + Guid.NewGuid().ToString("N")[..8]),
            ["SIEM_REDIS_PORT"] = RedisPort.ToString(),
            ["SIEM_REDIS_PERSIST"] = "1",
            ["SIEM_CLICKHOUSE_HTTP_PORT"] = ClickHouseHttpPort.ToString(),
            ["SIEM_CLICKHOUSE_TCP_PORT"] = Ports.Free().ToString(),
            ["SIEM_CLICKHOUSE_INTERSERVER_PORT"] = Ports.Free().ToString(),
            ["SIEM_CLICKHOUSE_HTTPS_PORT"] = ClickHouseHttpsPort.ToString(),
        };
        foreach (var (name, value) in _extra) _env[name] = value;
    }

    public int RedisPort { get; private set; }

    public int ClickHouseHttpPort { get; private set; }

    /// <summary>ClickHouse's HTTPS port, served when SIEM_TLS_DIR is given.</summary>
    public int ClickHouseHttpsPort { get; private set; }

    public string RedisEndpoint => $"127.0.0.1:{RedisPort}";

    public string ClickHouseUrl => $"http://127.0.0.1:{ClickHouseHttpPort}";

    public Task Start(string? which = null) => Run("start", which);

    /// <summary>
    /// The first start: a port found free can be taken by another process before the server binds it (the tests run
    /// in parallel), so a start that fails with "Address already in use" is retried on other ports.
    /// </summary>
    public async Task StartFirstAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Start();
                return;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Stop();
                PickPorts();
            }
        }
    }

    public Task Stop(string? which = null) => Run("stop", which);

    /// <summary>SIGKILL: the server is gone at once, as in a crash.</summary>
    public Task Crash(string which) => Run("kill", which);

    private Task Run(string verb, string? which) => ServicesScript.RunAsync(which is null ? [verb] : [verb, which], _env);

    public async ValueTask DisposeAsync()
    {
        await Stop();
        try { Directory.Delete(_env["SIEM_SERVICES_DIR"], recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
