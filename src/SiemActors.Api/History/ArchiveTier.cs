using SiemActors.Archive;
using SiemActors.Domain.Filtering;

namespace SiemActors.Api.History;

/// <summary>
/// The archive's part of a history search: the days of the range past ClickHouse's retention (<c>siem.archive.retention-days</c>),
/// read from the archive with the filter's compiled predicate (<see cref="ArchiveSearch"/>). Their events carry
/// <c>"archived": true</c>, and the page names the days in <c>archive_days</c>.
/// </summary>
public sealed class ArchiveTier(ArchiveObjects objects, ArchiveSettings settings) : IDisposable
{
    private readonly SemaphoreSlim _searches = new(settings.SearchConcurrency, settings.SearchConcurrency);

    /// <summary>The days of [from, to) that the archive answers for at <paramref name="now"/>.</summary>
    public IReadOnlyList<DateOnly> Days(long fromMs, long toMs, DateTimeOffset now)
    {
        if (settings.LastExpiredDay(now) is not { } lastExpired) return [];
        var first = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(fromMs).UtcDateTime);
        var last = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(toMs - 1).UtcDateTime);
        if (last > lastExpired) last = lastExpired;
        var days = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1)) days.Add(d);
        return days;
    }

    /// <summary>The request's page from the archive's <paramref name="days"/>; past <paramref name="timeout"/>, <see cref="TimeoutException"/>.</summary>
    public async Task<IReadOnlyList<ArchivedEvent>> SearchAsync(IReadOnlyList<DateOnly> days, HistoryRequest request, long nowMs, TimeSpan timeout,
        CancellationToken cancellation)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bounded.CancelAfter(timeout);
        try
        {
            // At most search-concurrency reads at once: a burst waits its turn within the timeout.
            await _searches.WaitAsync(bounded.Token).ConfigureAwait(false);
            try
            {
                return await new ArchiveSearch(objects).SearchAsync(days, request.FromMs, request.ToMs, FilterPredicate.Compile(request.Filter, () => nowMs),
                    request.Limit, request.Cursor is { } c ? (c.TimestampMs, c.EventId) : null, bounded.Token);
            }
            finally
            {
                _searches.Release();
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"the archive did not answer within {timeout.TotalSeconds:0}s (siem.api.history.query-timeout; " +
                                       $"{settings.SearchConcurrency} searches of the archive at a time: siem.archive.search-concurrency)");
        }
    }

    public void Dispose()
    {
        objects.Store.Dispose();
        _searches.Dispose();
    }
}
