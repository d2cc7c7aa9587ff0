using Prometheus;

namespace SiemActors.Resilience;

/// <summary>
/// The same policy as <see cref="Retries.Forever"/> for callers that cannot await a retry — an actor that schedules
/// its next attempt with a timer instead of blocking its mailbox: each <see cref="Next"/> is the following wait
/// (exponential from <see cref="RetrySettings.MinBackoff"/> up to <see cref="RetrySettings.MaxBackoff"/>, with jitter:
/// a random point in the upper half of the step, so callers that failed together spread out) and counts one retry in
/// <c>siem_retries_total{target}</c>. <see cref="Reset"/> after a success. Not thread-safe: one owner (an actor).
/// </summary>
public sealed class Backoff
{
    private readonly RetrySettings _settings;
    private readonly Counter.Child _retries;
    private int _failures;

    public Backoff(string target, RetrySettings settings)
    {
        _settings = settings.Validated(target);
        _retries = Retries.CounterFor(target);
    }

    /// <summary>Failures since the last <see cref="Reset"/>.</summary>
    public int Failures => _failures;

    /// <summary>The wait before the next attempt; counts the retry.</summary>
    public TimeSpan Next()
    {
        _retries.Inc();
        var step = Step(_settings, _failures);
        _failures = _failures == int.MaxValue ? _failures : _failures + 1;
        return TimeSpan.FromTicks(step.Ticks / 2 + (long)(Random.Shared.NextDouble() * (step.Ticks - step.Ticks / 2)));
    }

    /// <summary>The last attempt succeeded: the next failure starts from the first wait again.</summary>
    public void Reset() => _failures = 0;

    /// <summary>The upper bound of the wait after <paramref name="failures"/> earlier failures: min × 2^failures, at most max.</summary>
    internal static TimeSpan Step(RetrySettings settings, int failures)
    {
        var ticks = (double)settings.MinBackoff.Ticks * Math.Pow(2, Math.Min(failures, 62));
        return ticks >= settings.MaxBackoff.Ticks ? settings.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
