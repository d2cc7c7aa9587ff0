using Akka.Actor;
using Akka.Event;
using SiemActors.Domain.Alerts;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Archive;

/// <summary>
/// The cluster singleton that runs the archive (<see cref="ArchivePass"/>): one pass soon after it starts and one every
/// <c>interval</c> after the previous ended, never two at once. When its node leaves, the singleton starts on the next
/// oldest node of the role and goes on from what the archive and ClickHouse hold: nothing is kept in memory that a
/// pass cannot rebuild. A pass cut off mid-way (its node gone) leaves at most objects no manifest names, deleted by the next.
/// </summary>
public sealed class ArchiveActor : ReceiveActor, IWithTimers
{
    public const string SingletonName = "siem-archive";

    private readonly ArchivePass _pass;
    private readonly ArchiveSettings _settings;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable[] _owned;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    public ArchiveActor(ArchiveSettings settings, ClickHouseSinkSettings clickHouseSettings, Func<IReadOnlyList<Alert>, CancellationToken, Task>? alert)
    {
        _settings = settings;
        var clickHouse = new ClickHouseHttpClient(clickHouseSettings, _log);
        var store = ArchiveStores.Open(settings);
        _owned = [clickHouse, store];
        var objects = new ArchiveObjects(store, settings.SpillDir);
        var days = new ClickHouseDays(clickHouse, clickHouseSettings);
        _pass = new ArchivePass(days, objects, new DayArchiver(days, objects, settings, _log), settings, _log, alert);

        Receive<Tick>(_ => RunPass());
        Receive<PassDone>(done =>
        {
            if (done.Failure is { } failure) _log.Error(failure, "The archive pass failed; next in {0}", _settings.Interval);
            else if (done.Result is { } r && (r.Archived.Any(a => a.RowsWritten > 0) || r.Drops.Any(d => d.Dropped)))
                _log.Info("Archive pass: {0} day(s) archived, {1} dropped, {2} kept past retention, {3} failed", r.Archived.Count(a => a.RowsWritten > 0),
                    r.Drops.Count(d => d.Dropped), r.Blocked.Count, r.Failures.Count);
            Timers.StartSingleTimer(nameof(Tick), Tick.Instance, _settings.Interval);
        });
    }

    public static Props Props(ArchiveSettings settings, ClickHouseSinkSettings clickHouse, Func<IReadOnlyList<Alert>, CancellationToken, Task>? alert) =>
        Akka.Actor.Props.Create(() => new ArchiveActor(settings, clickHouse, alert));

    protected override void PreStart()
    {
        _log.Info("Archive singleton started: {0}, grace {1}, retention {2} day(s), a pass every {3}", _settings.Location, _settings.Grace,
            _settings.RetentionDays, _settings.Interval);
        Timers.StartSingleTimer(nameof(Tick), Tick.Instance, TimeSpan.FromSeconds(5));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        foreach (var owned in _owned) owned.Dispose();
        _stopping.Dispose();
    }

    private void RunPass()
    {
        var token = _stopping.Token;
        _pass.RunOnceAsync(DateTimeOffset.UtcNow, token).PipeTo(Self,
            success: r => new PassDone(r, null),
            failure: ex => new PassDone(null, ex));
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record PassDone(PassResult? Result, Exception? Failure);
}
