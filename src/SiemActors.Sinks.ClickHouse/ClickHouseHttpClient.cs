using System.Net.Http.Headers;
using System.Text;
using Akka.Event;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// ClickHouse's HTTP interface: queries with text results and inserts with a body. Transient failures (connection
/// refused, timeouts, overload) are retried with exponential backoff until they succeed or the caller cancels;
/// other errors throw <see cref="ClickHouseServerException"/>.
/// </summary>
public sealed class ClickHouseHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ClickHouseSinkSettings _settings;
    private readonly ILoggingAdapter _log;

    public ClickHouseHttpClient(ClickHouseSinkSettings settings, ILoggingAdapter log)
    {
        _settings = settings;
        _log = log;
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
        WithRetry(insert, async ct =>
        {
            using HttpContent content = _settings.Compress ? new GzipContent(body) : new ReadOnlyMemoryContent(body);
            using var response = await _http.PostAsync("/?query=" + Uri.EscapeDataString(insert), content, ct).ConfigureAwait(false);
            return await Read(response, ct).ConfigureAwait(false);
        }, cancellation);

    private async Task<string> WithRetry(string what, Func<CancellationToken, Task<string>> call, CancellationToken cancellation)
    {
        var backoff = _settings.RetryMinBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await call(cancellation).ConfigureAwait(false);
                if (attempt > 1) _log.Info("ClickHouse call succeeded after {0} attempts: {1}", attempt, Short(what));
                return result;
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellation.IsCancellationRequested)
            {
                _log.Warning("ClickHouse call failed (attempt {0}), retrying in {1}: {2} — {3}", attempt, backoff, ex.Message, Short(what));
                await Task.Delay(backoff, cancellation).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.RetryMaxBackoff.Ticks));
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
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
