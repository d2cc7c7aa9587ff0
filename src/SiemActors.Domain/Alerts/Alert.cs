using SiemActors.Domain.Events;

namespace SiemActors.Domain.Alerts;

/// <summary>
/// What a detection rule found: the same record in the Redis stream <c>siem:alerts</c>, the ClickHouse <c>alerts</c>
/// table, the live hub and <c>GET /api/alerts</c> (docs/detections.md).
/// </summary>
/// <param name="AlertId">Deterministic: a hash of the rule, the key and the window's start, so a re-sent alert is the same.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Severity">The rule's severity.</param>
/// <param name="Description">The rule's description.</param>
/// <param name="Key">The value of <paramref name="KeyField"/> the pattern was found for.</param>
/// <param name="KeyField">The field the rule keys by (<c>src_ip</c>, <c>user</c>, …).</param>
/// <param name="FirstEventTime">Event time of the window's first counted event, Unix ms.</param>
/// <param name="LastEventTime">Event time of the event that completed the pattern (for absence: the last one seen).</param>
/// <param name="Count">Events counted in the window (for distinct: distinct values; for a sequence: all its steps).</param>
/// <param name="SampleEventIds">The first few counted events' ids, to look them up in history.</param>
/// <param name="DetectedAt">When the entity fired it, Unix ms (recorded, so a re-sent alert keeps it).</param>
public sealed record Alert(
    string AlertId,
    string Rule,
    Severity Severity,
    string Description,
    string KeyField,
    string Key,
    long FirstEventTime,
    long LastEventTime,
    long Count,
    IReadOnlyList<string> SampleEventIds,
    long DetectedAt);
