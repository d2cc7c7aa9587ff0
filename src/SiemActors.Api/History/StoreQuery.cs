using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.History;

/// <summary>
/// A call of the store bounded by <c>query-timeout</c>: the client retries transient failures (ClickHouse down) until
/// then, and the caller gets <see cref="TimeoutException"/> (answered with 503) instead of waiting on.
/// </summary>
public static class StoreQuery
{
    public static Task<string> RunAsync(ClickHouseHttpClient clickHouse, string sql, HistorySettings settings, CancellationToken cancellation) =>
        BoundAsync(ct => clickHouse.QueryAsync(sql, ct), "answer", settings, cancellation);

    /// <summary>Any call of the store (an insert, tables created), bounded the same way; <paramref name="what"/> ends "ClickHouse did not …".</summary>
    public static async Task BoundAsync(Func<CancellationToken, Task> call, string what, HistorySettings settings, CancellationToken cancellation) =>
        await BoundAsync(async ct =>
        {
            await call(ct).ConfigureAwait(false);
            return true;
        }, what, settings, cancellation).ConfigureAwait(false);

    private static async Task<T> BoundAsync<T>(Func<CancellationToken, Task<T>> call, string what, HistorySettings settings, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.QueryTimeout);
        try
        {
            return await call(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"ClickHouse did not {what} within {settings.QueryTimeout.TotalSeconds:0}s (siem.api.history.query-timeout)");
        }
    }
}
