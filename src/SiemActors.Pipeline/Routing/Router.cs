using System.Collections.Concurrent;
using Akka.Configuration;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;

namespace SiemActors.Pipeline.Routing;

/// <summary>
/// Decides each event's destinations from <c>siem.routing</c>: enabled rules in descending priority, the first whose
/// condition (filter language) matches wins; a rule without destinations drops the event; no match →
/// <c>default-destinations</c>. Counts matches per rule, and drops.
/// </summary>
public sealed class Router
{
    public const string DefaultRule = "(default)";
    private readonly IReadOnlyList<RoutingRule> _rules;
    private readonly IReadOnlyList<string> _defaults;
    private readonly ConcurrentDictionary<string, long> _matched = new();

    private Router(IReadOnlyList<RoutingRule> rules, IReadOnlyList<string> defaults)
    {
        _rules = rules;
        _defaults = defaults;
    }

    public IReadOnlyList<RoutingRule> Rules => _rules;

    /// <summary>Every destination a rule or the default names: the sinks a node must run.</summary>
    public IReadOnlySet<string> Destinations => _rules.SelectMany(r => r.Destinations).Concat(_defaults).ToHashSet(StringComparer.Ordinal);

    /// <summary>Events routed by each rule (and by <see cref="DefaultRule"/>) since start.</summary>
    public IReadOnlyDictionary<string, long> Matched => _matched;

    /// <summary>Reads and checks <c>siem.routing</c>; every destination must be one of <paramref name="known"/>.</summary>
    public static Router Create(Config config, IReadOnlyCollection<string> known)
    {
        var section = config.GetConfig("siem.routing");
        var defaults = section.GetStringList("default-destinations", []).ToList();
        foreach (var d in defaults) Check(d, known, "siem.routing.default-destinations");
        var rules = new List<RoutingRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var rule in section.HasPath("rules") ? section.GetValue("rules").GetArray() : [])
        {
            index++;
            var r = new Config(new Akka.Configuration.Hocon.HoconRoot(rule));
            var name = r.GetString("name", "");
            if (string.IsNullOrWhiteSpace(name)) throw new RoutingConfigException($"routing rule #{index} has no name");
            if (!names.Add(name)) throw new RoutingConfigException($"routing rule '{name}' is defined twice");
            if (!r.GetBoolean("enabled", true)) continue;
            var condition = r.GetString("condition", "");
            Func<SecurityEvent, bool> predicate;
            try
            {
                predicate = FilterPredicate.Compile(condition);
            }
            catch (FilterSyntaxException ex)
            {
                throw new RoutingConfigException($"routing rule '{name}': condition \"{condition}\" {ex.Message}");
            }
            var destinations = r.GetBoolean("drop", false) ? [] : r.GetStringList("destinations", []).ToList();
            foreach (var d in destinations) Check(d, known, $"routing rule '{name}'");
            if (!r.GetBoolean("drop", false) && destinations.Count == 0)
                throw new RoutingConfigException($"routing rule '{name}' has no destinations: list some, or set drop = true");
            rules.Add(new RoutingRule(name, condition, destinations, r.GetInt("priority", 0), predicate));
        }
        return new Router(rules.OrderByDescending(x => x.Priority).ToList(), defaults);
    }

    /// <summary>The destinations of one event (empty: dropped).</summary>
    public IReadOnlyList<string> Route(SecurityEvent e)
    {
        foreach (var rule in _rules)
        {
            if (!rule.Matches(e)) continue;
            _matched.AddOrUpdate(rule.Name, 1, (_, n) => n + 1);
            return rule.Destinations;
        }
        _matched.AddOrUpdate(DefaultRule, 1, (_, n) => n + 1);
        return _defaults;
    }

    private static void Check(string destination, IReadOnlyCollection<string> known, string where)
    {
        if (!known.Contains(destination))
            throw new RoutingConfigException($"{where}: unknown destination '{destination}'; destinations are {string.Join(", ", known)}");
    }
}
