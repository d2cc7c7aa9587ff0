using System.Net.Http.Headers;
using System.Text;
using Akka.Event;
using Polly;
using SiemActors.Resilience;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// ClickHouse's HTTP interface: queries with text results and inserts with a body. Transient failures (connection
/// refused, timeouts, overload) are retried (<see cref="Retries"/>: exponential backoff with jitter, target
/// <c>clickhouse</c>) until they succeed or the caller cancels; other errors throw <see cref="ClickHouseServerException"/>.
/// </summary>
public sealed class ClickHouseHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ClickHouseSinkSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly ResiliencePipeline _retries;

    public ClickHouseHttpClient(ClickHouseSinkSettings settings, ILoggingAdapter log)
    {
        _settings = settings;
        _log = log;
        _retries = Retries.Forever("clickhouse", new RetrySettings(settings.RetryMinBackoff, settings.RetryMaxBackoff), IsTransient,
            retry => _log.Warning("ClickHouse call failed (attempt {0}), retrying in {1}: {2} — {3}", retry.Attempt, retry.Wait, retry.Failure.Message, retry.What));
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = settings.Url,
            Timeout = settings.RequestTimeout,
        };
        if (settings.User.Length > 0)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.User}:{settings.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    /// <summary>Runs a statement; returns what ClickHouse answered (use a <c>FORMAT</c> clause for the shape).</summary>
    public Task<string> QueryAsync(string sql, CancellationToken cancellation = default) =>
        WithRetry(sql, async ct =>
        {
            using var content = new StringContent(sql, Encoding.UTF8);
            using var response = await _http.PostAsync("/", content, ct).ConfigureAwait(false);
            return await Read(response, ct).ConfigureAwait(false);
        }, cancellation);

    /// <summary>Runs <paramref name="insert"/> (an <c>INSERT … FORMAT …</c>) with <paramref name="body"/> as its data.</summary>
    public Task InsertAsync(string insert, ReadOnlyMemory<byte> body, CancellationToken cancellation = default) =>
        WithRetry(insert, ct => InsertOnceAsync(insert, body, ct), cancellation);

    /// <summary>
    /// One attempt at the insert: a transient failure (<see cref="IsTransient"/>) is the caller's to retry — the event
    /// writer does, after reading the ledger again, so that rows another node stored meanwhile are not written twice.
    /// </summary>
    public async Task<string> InsertOnceAsync(string insert, ReadOnlyMemory<byte> body, CancellationToken cancellation = default)
    {
        using HttpContent content = _settings.Compress ? new GzipContent(body) : new ReadOnlyMemoryContent(body);
        using var response = await _http.PostAsync("/?query=" + Uri.EscapeDataString(insert), content, cancellation).ConfigureAwait(false);
        return await Read(response, cancellation).ConfigureAwait(false);
    }

    private Task<string> WithRetry(string what, Func<CancellationToken, Task<string>> call, CancellationToken cancellation) =>
        _retries.ExecuteAsync(Short(what), call, cancellation);

    /// <summary>A failure that passes by itself: the server unreachable, slow or overloaded.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        HttpRequestException => true,
        TaskCanceledException => true, // the request timeout; the caller's own cancellation is excluded by the filter
        IOException => true,
        ClickHouseServerException server => server.IsTransient,
        _ => false,
    };

    private static async Task<string> Read(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw ClickHouseServerException.From((int)response.StatusCode, text);
        return text;
    }

    private static string Short(string sql) => sql.Length <= 120 ? sql : sql[..120] + "…";

    public void Dispose() => _http.Dispose();
}
