namespace SiemActors.Detection.Engine;

/// <summary>One counted event in a rule's window: its event time, id and (for distinct rules) the counted value.</summary>
public readonly record struct WindowEntry(long Time, string EventId, string Value);
