using Akka.Event;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;

namespace SiemActors.Archive;

/// <summary>What one pass did: days archived, days dropped, days kept past retention and why, days that failed.</summary>
public sealed record PassResult(
    IReadOnlyList<DayResult> Archived,
    IReadOnlyList<DropResult> Drops,
    IReadOnlyList<string> Failures,
    int AbortedUploads,
    int PendingDays)
{
    public IReadOnlyList<DropResult> Blocked => Drops.Where(d => d.Blocked is not null).ToList();
}

/// <summary>
/// One pass over every day: unfinished uploads of an earlier run are aborted; each closed day ClickHouse holds is
/// archived unless it is known to be archived as it is (its partition's signature unchanged since it last was); each
/// day past retention is dropped if its archive holds all of it, else kept, counted in <c>siem_archive_blocked_days</c>
/// and alerted (rule <c>archive-behind-retention</c>). A day that fails is logged and counted and the pass goes on to the
/// next; the next pass tries it again. The cluster singleton <see cref="ArchiveActor"/> runs a pass every <c>interval</c>.
/// </summary>
public sealed class ArchivePass(ClickHouseDays clickHouse, ArchiveObjects archive, DayArchiver archiver, ArchiveSettings settings, ILoggingAdapter log,
    Func<IReadOnlyList<Alert>, CancellationToken, Task>? alert = null)
{
    public const string AlertRule = "archive-behind-retention";

    private readonly Dictionary<DateOnly, DayPartition> _archivedAsSeen = [];
    private readonly HashSet<DateOnly> _settled = [];

    public async Task<PassResult> RunOnceAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        var aborted = await archive.Store.AbortIncompleteUploadsAsync(cancellation).ConfigureAwait(false);
        if (aborted > 0) log.Warning("Aborted {0} unfinished multipart upload(s) an earlier run left", aborted);
        var partitions = await clickHouse.PartitionsAsync(cancellation).ConfigureAwait(false);
        var archived = new List<DayResult>();
        var failures = new List<string>();
        var pending = 0;
        foreach (var partition in partitions.Where(p => settings.IsClosed(p.Day, now)))
        {
            if (partition.MaxBlock >= 0 && _archivedAsSeen.TryGetValue(partition.Day, out var seen) && seen == partition) continue;
            try
            {
                var day = await archiver.ArchiveAsync(partition.Day, cancellation).ConfigureAwait(false);
                archived.Add(day);
                _archivedAsSeen[partition.Day] = partition;
                if (day.RowsWritten > 0)
                {
                    ArchiveMetrics.Days.Inc();
                    ArchiveMetrics.Rows.Inc(day.RowsWritten);
                    ArchiveMetrics.Bytes.Inc(day.BytesWritten);
                }
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested)
            {
                pending++;
                ArchiveMetrics.Failures.WithLabels("archive").Inc();
                failures.Add($"{ArchiveLayout.Day(partition.Day)}: {ex.Message}");
                log.Error(ex, "Archiving {0} failed; the next pass tries again", ArchiveLayout.Day(partition.Day));
            }
        }

        var drops = new List<DropResult>();
        if (settings.LastExpiredDay(now) is { } lastExpired)
        {
            foreach (var partition in partitions.Where(p => p.Day <= lastExpired))
            {
                try
                {
                    var drop = await archiver.DropAsync(partition.Day, cancellation).ConfigureAwait(false);
                    drops.Add(drop);
                    if (drop.Dropped)
                    {
                        ArchiveMetrics.Dropped.Inc();
                        _archivedAsSeen.Remove(partition.Day);
                    }
                }
                catch (Exception ex) when (!cancellation.IsCancellationRequested)
                {
                    ArchiveMetrics.Failures.WithLabels("drop").Inc();
                    failures.Add($"{ArchiveLayout.Day(partition.Day)}: {ex.Message}");
                    drops.Add(new DropResult(partition.Day, false, $"day {ArchiveLayout.Day(partition.Day)} is past retention and could not be checked: {ex.Message}"));
                    log.Error(ex, "Checking {0} for the drop failed; it stays in ClickHouse", ArchiveLayout.Day(partition.Day));
                }
            }
        }
        // A day dropped by a pass that died before its manifest said so: the manifest is brought to ClickHouse's nothing,
        // so that rows arriving for the day later are never taken for the ones archived. Each such day is read once per run.
        var present = partitions.Select(p => p.Day).ToHashSet();
        foreach (var day in await archive.DaysAsync(cancellation).ConfigureAwait(false))
        {
            if (present.Contains(day) || _settled.Contains(day)) continue;
            try
            {
                await archiver.ArchiveAsync(day, cancellation).ConfigureAwait(false);
                _settled.Add(day);
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested)
            {
                ArchiveMetrics.Failures.WithLabels("archive").Inc();
                failures.Add($"{ArchiveLayout.Day(day)}: {ex.Message}");
                log.Error(ex, "Settling the manifest of {0} failed; the next pass tries again", ArchiveLayout.Day(day));
            }
        }
        foreach (var day in present) _settled.Remove(day);

        var result = new PassResult(archived, drops, failures, aborted, pending);
        ArchiveMetrics.Pending.Set(pending);
        ArchiveMetrics.Blocked.Set(result.Blocked.Count);
        if (failures.Count == 0) ArchiveMetrics.LastSuccess.Set(now.ToUnixTimeMilliseconds() / 1000.0);
        foreach (var blocked in result.Blocked) log.Error("Retention: {0}", blocked.Blocked);
        if (alert is not null && result.Blocked.Count > 0)
            await alert(result.Blocked.Select(b => AlertOf(b, now)).ToList(), cancellation).ConfigureAwait(false);
        return result;
    }

    /// <summary>One alert per day and reason: the same day blocked the same way on every pass is one alert.</summary>
    public static Alert AlertOf(DropResult blocked, DateTimeOffset now)
    {
        var start = new DateTimeOffset(blocked.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var reason = blocked.Blocked ?? "";
        var id = "archive-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{ArchiveLayout.Day(blocked.Day)}\n{reason}")))[..24];
        return new Alert(id, AlertRule, Severity.Critical, reason, "date", ArchiveLayout.Day(blocked.Day), start, start + 86_400_000 - 1, 0, [],
            now.ToUnixTimeMilliseconds());
    }
}
