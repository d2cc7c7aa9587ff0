using SiemActors.Detection.Rules;

namespace SiemActors.Detection.Engine;

/// <summary>
/// One rule's state for one key: the events it still needs to see a pattern, and what it already alerted on.
/// Pure and deterministic: the same facts in the same order give the same state and the same firings.
/// </summary>
public abstract class RuleWindow(DetectionRule rule, int sampleSize)
{
    public DetectionRule Rule { get; } = rule;

    /// <summary>Event ids an alert keeps.</summary>
    protected int SampleSize { get; } = sampleSize;

    /// <summary>Entries dropped because the window held more than its maximum.</summary>
    public long Dropped { get; protected set; }

    /// <summary>Counts a fact that is not late; returns the pattern it completed, if any.</summary>
    public abstract Firing? Add(WindowEntry entry, byte step, int maxEntries);

    /// <summary>Would <see cref="Check"/> fire now? Changes nothing.</summary>
    public virtual bool Due(long nowMs, long allowedLatenessMs) => false;

    /// <summary>Checks the pattern against the wall clock (absence); the others never fire from time alone.</summary>
    public virtual Firing? Check(long nowMs, long allowedLatenessMs) => null;

    /// <summary>Forgets what no fact that is not late can need any more.</summary>
    public abstract void Prune(long watermark, long allowedLatenessMs);

    /// <summary>Nothing open: the window could be dropped without changing any future firing.</summary>
    public abstract bool IsEmpty(long nowMs, long allowedLatenessMs);

    public abstract WindowSnapshot ToSnapshot();

    public static RuleWindow Create(DetectionRule rule, int sampleSize, WindowSnapshot? snapshot = null) => rule.Kind switch
    {
        RuleKind.Threshold or RuleKind.Distinct => new CountingWindow(rule, sampleSize, snapshot),
        RuleKind.Sequence => new SequenceWindow(rule, sampleSize, snapshot),
        _ => new AbsenceWatch(rule, sampleSize, snapshot),
    };
}

/// <summary>A completed pattern: the window's start (part of the alert id), its first and last event, the count, samples.</summary>
public sealed record Firing(long WindowStart, long FirstEventTime, long LastEventTime, long Count, IReadOnlyList<string> SampleEventIds);

/// <summary>A rule window's state in a snapshot.</summary>
public sealed record WindowSnapshot(string Rule, List<WindowEntry> Entries, List<WindowEntry> Seconds, long SuppressUntil, long AlertedFor);
