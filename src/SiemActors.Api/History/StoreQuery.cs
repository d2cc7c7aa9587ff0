using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.History;

/// <summary>
/// A read of the store bounded by <c>query-timeout</c>: the client retries transient failures (ClickHouse down) until
/// then, and the caller gets <see cref="TimeoutException"/> (answered with 503) instead of waiting on.
/// </summary>
public static class StoreQuery
{
    public static async Task<string> RunAsync(ClickHouseHttpClient clickHouse, string sql, HistorySettings settings, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.QueryTimeout);
        try
        {
            return await clickHouse.QueryAsync(sql, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"ClickHouse did not answer within {settings.QueryTimeout.TotalSeconds:0}s (siem.api.history.query-timeout)");
        }
    }
}
