namespace SiemActors.Detection.Entity;

/// <summary>A message of detection: bound to <see cref="DetectionSerializer"/> (wire and journal).</summary>
public interface IDetectionMessage;

/// <summary>A message for one detection entity; carries its id (the shard key).</summary>
public interface IDetectionEntityMessage : IDetectionMessage
{
    string EntityId { get; }
}

/// <summary>
/// One event's relevance to one rule: which rule (an index into <see cref="DetectFacts.Rules"/>), which step (0, or 1
/// for a sequence's second), where it came from, its event time and id, and the value a distinct rule counts.
/// </summary>
public readonly record struct Fact(int Rule, byte Step, long Offset, long Timestamp, string EventId, string Value);

/// <summary>
/// The facts of one partition batch for one key, in partition order: compact, only what the rules need. The entity
/// persists them before it answers with <see cref="FactsAccepted"/>; facts at or below the offset it already applied
/// for the partition are skipped.
/// </summary>
public sealed record DetectFacts(string EntityId, int Partition, string[] Rules, Fact[] Facts) : IDetectionEntityMessage;

/// <summary>
/// Several partition batches' <see cref="DetectFacts"/> for one key in one message (one round of batches, at most one
/// part per partition batch). The entity persists the new parts in one journal write, applies them in order, and
/// answers once with <see cref="FactsAccepted"/>. Wire only: the journal keeps one <see cref="FactsRecorded"/> per part.
/// </summary>
public sealed record DetectFactsBatches(string EntityId, DetectFacts[] Parts) : IDetectionEntityMessage;

/// <summary>The facts are persisted and applied (or were already): the batch may be committed as far as detection goes.</summary>
public sealed record FactsAccepted(string EntityId, int Applied) : IDetectionMessage;

/// <summary>Journal event: a batch of facts and when the entity recorded it (the alerts' detection time).</summary>
public sealed record FactsRecorded(DetectFacts Facts, long RecordedAt) : IDetectionMessage;

/// <summary>Journal event: an absence check that fired at <paramref name="At"/> (wall clock, Unix ms).</summary>
public sealed record AbsenceChecked(long At) : IDetectionMessage;

/// <summary>Journal event: these alerts are in every alert store; they leave the outbox.</summary>
public sealed record AlertsPublished(string[] AlertIds) : IDetectionMessage;
