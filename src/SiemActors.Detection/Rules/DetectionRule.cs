using SiemActors.Domain.Events;

namespace SiemActors.Detection.Rules;

/// <summary>
/// One detection rule, checked and compiled: which events it selects (<see cref="First"/>, and for a sequence
/// <see cref="Then"/>), what it keys by, and the pattern's parameters. Built by <see cref="DetectionRules"/>.
/// </summary>
public sealed record DetectionRule
{
    public required string Name { get; init; }

    public required RuleKind Kind { get; init; }

    public required Severity Severity { get; init; }

    public string Description { get; init; } = "";

    /// <summary>The field whose value is the key (<c>src_ip</c>, <c>user</c>, …); events without it are not counted.</summary>
    public required string KeyField { get; init; }

    public required TimeSpan Window { get; init; }

    /// <summary>Threshold: events; distinct: values; absence: events that make a key "regular"; sequence: first steps.</summary>
    public required int Count { get; init; }

    /// <summary>Distinct: the field whose distinct values are counted.</summary>
    public string? DistinctField { get; init; }

    /// <summary>The filter of the events the rule counts (a sequence's first step). Text as configured.</summary>
    public required string Filter { get; init; }

    /// <summary>A sequence's second step.</summary>
    public string? ThenFilter { get; init; }

    public required Func<SecurityEvent, bool> First { get; init; }

    public Func<SecurityEvent, bool>? Then { get; init; }

    public required Func<SecurityEvent, string> Key { get; init; }

    public Func<SecurityEvent, string>? Distinct { get; init; }

    public long WindowMs => (long)Window.TotalMilliseconds;
}
