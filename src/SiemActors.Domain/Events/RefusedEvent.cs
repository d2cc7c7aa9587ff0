namespace SiemActors.Domain.Events;

/// <summary>
/// An event a sink did not store because of its content (a value the store rejects, or one its encoder could not
/// write), with the error; the rest of its batch was stored. The pipeline dead-letters it before the batch commits.
/// </summary>
public sealed record RefusedEvent(EnrichedEvent Event, string Error);
