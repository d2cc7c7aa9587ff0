using SiemActors.Detection.Engine;
using SiemActors.Detection.Entity;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Pipeline.DeadLetters;
using SiemActors.Pipeline.Routing;

namespace SiemActors.Pipeline;

/// <summary>
/// A normalized batch's per-event decisions before the entities are asked: each event's destinations (routing rules)
/// and the batch's detection facts. Last-resort guard: an event for which routing or fact extraction throws (a bug
/// meeting an unforeseen value) is taken out of the batch and dead-lettered as <c>internal-error</c>; the others go on.
/// </summary>
public sealed class BatchPreparer(Router router, FactExtractor? extractor, InternalErrors errors)
{
    public PreparedBatch Prepare(NormalizedBatch batch)
    {
        var events = batch.Events;
        var kept = new List<SecurityEvent>(events.Count);
        var destinations = new List<IReadOnlyList<string>>(events.Count);
        List<DeadLetterRecord>? rejected = null;
        foreach (var e in events)
        {
            IReadOnlyList<string> routed;
            try
            {
                routed = router.Route(e);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                (rejected ??= [.. batch.Rejected]).Add(Reject(e, "routing", ex));
                continue;
            }
            kept.Add(e);
            destinations.Add(routed);
        }
        var facts = Facts(batch.EntityPartition, kept, destinations, ref rejected, batch.Rejected);
        var prepared = rejected is null ? batch with { Events = kept } : batch with { Events = kept, Rejected = rejected };
        return new PreparedBatch(prepared, destinations, facts);
    }

    /// <summary>The batch's facts; when extraction throws, each event is tried alone and those that throw leave the batch.</summary>
    private IReadOnlyList<DetectFacts> Facts(int partition, List<SecurityEvent> events, List<IReadOnlyList<string>> destinations,
        ref List<DeadLetterRecord>? rejected, IReadOnlyList<DeadLetterRecord> earlier)
    {
        if (extractor is null) return [];
        try
        {
            return extractor.Extract(partition, events);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _ = ex; // found again below, for the event that causes it
        }
        for (var i = events.Count - 1; i >= 0; i--)
        {
            try
            {
                extractor.Extract(partition, [events[i]]);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                (rejected ??= [.. earlier]).Add(Reject(events[i], "detection facts", ex));
                events.RemoveAt(i);
                destinations.RemoveAt(i);
            }
        }
        return extractor.Extract(partition, events);
    }

    private DeadLetterRecord Reject(SecurityEvent e, string stage, Exception ex)
    {
        errors.Report(stage, e.Origin.ToString(), ex);
        return DeadLetterRecord.Of(e, DeadLetter.Internal(stage, ex));
    }
}

/// <summary>A normalized batch with each event's destinations (aligned with its events) and its detection facts.</summary>
public sealed record PreparedBatch(NormalizedBatch Batch, IReadOnlyList<IReadOnlyList<string>> Destinations, IReadOnlyList<DetectFacts> Facts);
