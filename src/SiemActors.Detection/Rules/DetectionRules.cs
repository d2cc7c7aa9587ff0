using Akka.Configuration;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;

namespace SiemActors.Detection.Rules;

/// <summary>
/// Reads and checks <c>siem.detection.rules</c>: every enabled rule compiled, every mistake a
/// <see cref="DetectionConfigException"/> naming the rule. A node checks them before it starts.
/// </summary>
public static class DetectionRules
{
    private static readonly HashSet<string> Keyable = new(StringComparer.Ordinal)
    {
        "source", "host", "category", "action", "outcome", "user", "process", "src_ip", "dst_ip", "src_port", "dst_port", "topic", "severity",
    };

    /// <summary>The enabled rules of a <c>siem.detection</c> section, in configuration order.</summary>
    public static IReadOnlyList<DetectionRule> Parse(Config detection)
    {
        var rules = new List<DetectionRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var value in detection.HasPath("rules") ? detection.GetValue("rules").GetArray() : [])
        {
            index++;
            var r = new Config(new Akka.Configuration.Hocon.HoconRoot(value));
            var name = r.GetString("name", "");
            if (string.IsNullOrWhiteSpace(name)) throw new DetectionConfigException($"detection rule #{index} has no name");
            if (!names.Add(name)) throw new DetectionConfigException($"detection rule '{name}' is defined twice");
            var rule = Compile(name, r);
            if (r.GetBoolean("enabled", true)) rules.Add(rule);
        }
        return rules;
    }

    private static DetectionRule Compile(string name, Config r)
    {
        DetectionConfigException Error(string what) => new($"detection rule '{name}': {what}");

        var kind = r.GetString("type", "") switch
        {
            "threshold" => RuleKind.Threshold,
            "distinct" => RuleKind.Distinct,
            "sequence" => RuleKind.Sequence,
            "absence" => RuleKind.Absence,
            var other => throw Error($"type '{other}' is not one of threshold, distinct, sequence, absence"),
        };
        var severityText = r.GetString("severity", "");
        if (!SeverityNames.TryParse(severityText, out var severity))
            throw Error($"severity '{severityText}' is not a syslog severity (emergency … debug)");

        var keyField = r.GetString("key", "");
        var key = Field(keyField, "key");
        TimeSpan window;
        try
        {
            window = r.GetTimeSpan("window", TimeSpan.Zero, allowInfinite: false);
        }
        catch (Exception ex)
        {
            throw Error($"window: {ex.Message}");
        }
        if (window <= TimeSpan.Zero) throw Error("window must be a positive duration (e.g. 5m)");

        var count = r.GetInt("count", kind == RuleKind.Sequence ? 1 : 0);
        if (count < 1) throw Error("count must be at least 1");

        var filter = r.GetString("filter", "");
        var first = Predicate(filter, "filter");
        string? thenFilter = null;
        Func<SecurityEvent, bool>? then = null;
        if (kind == RuleKind.Sequence)
        {
            thenFilter = r.GetString("then", "");
            then = Predicate(thenFilter, "then");
        }
        else if (r.HasPath("then")) throw Error("'then' is only for sequence rules");

        string? distinctField = null;
        Func<SecurityEvent, string>? distinct = null;
        if (kind == RuleKind.Distinct)
        {
            distinctField = r.GetString("distinct", "");
            distinct = Field(distinctField, "distinct");
            if (count < 2) throw Error("count of a distinct rule must be at least 2");
        }
        else if (r.HasPath("distinct")) throw Error("'distinct' is only for distinct rules");

        return new DetectionRule
        {
            Name = name,
            Kind = kind,
            Severity = severity,
            Description = r.GetString("description", ""),
            KeyField = keyField,
            Window = window,
            Count = count,
            DistinctField = distinctField,
            Filter = filter,
            ThenFilter = thenFilter,
            First = first,
            Then = then,
            Key = key,
            Distinct = distinct,
        };

        Func<SecurityEvent, string> Field(string field, string setting)
        {
            if (string.IsNullOrWhiteSpace(field)) throw Error($"'{setting}' is missing: name the field (src_ip, user, host, …)");
            if (!Keyable.Contains(field) && !field.StartsWith("attributes.", StringComparison.Ordinal))
                throw Error($"{setting} '{field}' is not a field to key or count by; use one of {string.Join(", ", Keyable)} or attributes.<name>");
            return FieldText.Of(field);
        }

        Func<SecurityEvent, bool> Predicate(string text, string setting)
        {
            if (string.IsNullOrWhiteSpace(text)) throw Error($"'{setting}' is missing: a filter (docs/filters.md), or true for every event");
            try
            {
                return FilterPredicate.Compile(text);
            }
            catch (FilterSyntaxException ex)
            {
                throw Error($"{setting} \"{text}\" {ex.Message}");
            }
        }
    }
}
