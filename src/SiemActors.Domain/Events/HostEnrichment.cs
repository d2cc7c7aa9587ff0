namespace SiemActors.Domain.Events;

/// <summary>What the host's sharded entity adds to each of its events.</summary>
/// <param name="FirstSeen">When the pipeline first saw the host, Unix ms.</param>
/// <param name="Sequence">The event's number among the host's events, from 1, in partition order.</param>
/// <param name="EventsLastMinute">The host's events in the minute of event time up to this one.</param>
public readonly record struct HostEnrichment(long FirstSeen, long Sequence, int EventsLastMinute)
{
    /// <summary>For events stored before (or without) enrichment.</summary>
    public static HostEnrichment None => default;
}

/// <summary>An event with its host enrichment: what the sinks store (as JSON: <see cref="Serialization.EventJson"/>).</summary>
public sealed record EnrichedEvent(SecurityEvent Event, HostEnrichment Host);
