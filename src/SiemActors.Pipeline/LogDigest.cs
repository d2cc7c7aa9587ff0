using Akka.Event;

namespace SiemActors.Pipeline;

/// <summary>
/// Logs a kind of occurrence that may come by the million (dead letters of a hostile stream, records a bug met) at most
/// once per interval: the first at once, then per interval how many there were since, by reason, with the latest as a
/// sample. A log line per record would let an attacker flood the logs and hide the rest in them.
/// </summary>
public sealed class LogDigest : IDisposable
{
    private readonly ILoggingAdapter _log;
    private readonly Akka.Event.LogLevel _level;
    private readonly string _what;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Timer _timer;
    private string? _sample;
    private DateTime _lastWritten = DateTime.MinValue;

    /// <param name="log">Where the lines go.</param>
    /// <param name="level">Their level: warning or error.</param>
    /// <param name="what">What is counted, as the lines say it ("dead-lettered record(s)").</param>
    /// <param name="interval">The least time between two lines.</param>
    public LogDigest(ILoggingAdapter log, Akka.Event.LogLevel level, string what, TimeSpan interval)
    {
        _log = log;
        _level = level;
        _what = what;
        _interval = interval;
        _timer = new Timer(_ => Flush(force: false), null, interval, interval);
    }

    public void Add(string reason, string sample)
    {
        lock (_gate)
        {
            _counts[reason] = _counts.GetValueOrDefault(reason) + 1;
            _sample = sample;
            if (DateTime.UtcNow - _lastWritten < _interval) return;
        }
        Flush(force: true);
    }

    private void Flush(bool force)
    {
        string line;
        lock (_gate)
        {
            if (_counts.Count == 0 || (!force && DateTime.UtcNow - _lastWritten < _interval)) return;
            var total = _counts.Values.Sum();
            var reasons = string.Join(", ", _counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));
            line = _lastWritten == DateTime.MinValue
                ? $"{total} {_what} ({reasons}); latest: {_sample}. Further ones are summed up at most every {_interval}"
                : $"{total} {_what} in the last {_interval} ({reasons}); latest: {_sample}";
            _counts.Clear();
            _lastWritten = DateTime.UtcNow;
        }
        // The line holds what records said: an argument, never the format string.
        if (_level == Akka.Event.LogLevel.ErrorLevel) _log.Error("{0}", line);
        else _log.Warning("{0}", line);
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush(force: true);
    }
}
