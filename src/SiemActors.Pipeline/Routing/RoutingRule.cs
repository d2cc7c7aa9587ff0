using SiemActors.Domain.Events;

namespace SiemActors.Pipeline.Routing;

/// <summary>One rule of <c>siem.routing.rules</c>, its condition compiled.</summary>
public sealed record RoutingRule(string Name, string Condition, IReadOnlyList<string> Destinations, int Priority, Func<SecurityEvent, bool> Matches)
{
    /// <summary>A rule with no destinations drops what it matches.</summary>
    public bool Drops => Destinations.Count == 0;
}

/// <summary>A routing configuration that cannot work; the message names the rule and what is wrong.</summary>
public sealed class RoutingConfigException(string message) : Exception(message);
