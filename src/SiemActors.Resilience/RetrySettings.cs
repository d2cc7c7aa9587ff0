namespace SiemActors.Resilience;

/// <summary>
/// How one target is retried: the first wait, the longest wait, and how long one attempt may take (zero: as long as
/// the call itself allows). The waits grow exponentially with jitter, so nodes that failed together do not retry
/// together. Each target reads them from its own HOCON section (<c>retry-min-backoff</c>, <c>retry-max-backoff</c>, …).
/// </summary>
public sealed record RetrySettings(TimeSpan MinBackoff, TimeSpan MaxBackoff, TimeSpan AttemptTimeout = default)
{
    /// <summary>These settings, checked; a longest wait shorter than the first makes every wait that long.</summary>
    public RetrySettings Validated(string target)
    {
        if (MinBackoff <= TimeSpan.Zero) throw new ArgumentException($"{target}: the first retry wait must be positive, not {MinBackoff}");
        if (AttemptTimeout < TimeSpan.Zero) throw new ArgumentException($"{target}: the attempt timeout must not be negative");
        return MaxBackoff < MinBackoff ? this with { MinBackoff = MaxBackoff } : this;
    }
}
