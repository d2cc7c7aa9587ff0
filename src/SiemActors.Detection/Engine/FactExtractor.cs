using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;
using SiemActors.Domain.Events;

namespace SiemActors.Detection.Engine;

/// <summary>
/// Turns a partition batch into one <see cref="DetectFacts"/> per key that any rule selects: each rule's filter is
/// tested once per event, and only what the rule needs (offset, time, id, the distinct value) is kept. Events no rule
/// selects, or without the rule's key (or distinct field), produce nothing. An absence rule only ever keeps a key's
/// newest <c>count</c> event times, so only those of a batch are sent (a host's every event would otherwise be a fact).
/// </summary>
public sealed class FactExtractor(IReadOnlyList<DetectionRule> rules)
{
    public IReadOnlyList<DetectionRule> Rules => rules;

    public IReadOnlyList<DetectFacts> Extract(int partition, IReadOnlyList<SecurityEvent> events)
    {
        if (rules.Count == 0 || events.Count == 0) return [];
        // Keyed by (field, value): the entity id string is made once per key, not once per matching event.
        Dictionary<(string Field, string Key), Builder>? byEntity = null;
        foreach (var e in events)
        {
            for (var r = 0; r < rules.Count; r++)
            {
                var rule = rules[r];
                var first = rule.First(e);
                var then = rule.Then is { } t && t(e);
                if (!first && !then) continue;
                var key = rule.Key(e);
                if (key.Length == 0) continue;
                if (key.Length > SecurityEvent.MaxKeyChars) key = Digest(key); // a rule keyed by an attribute: bounded like the schema's key fields
                var value = rule.Distinct?.Invoke(e) ?? "";
                if (rule.Distinct is not null && value.Length == 0) continue;
                if (value.Length > SecurityEvent.MaxKeyChars) value = Digest(value); // distinct counts equality only: a long value travels as its hash
                byEntity ??= [];
                if (!byEntity.TryGetValue((rule.KeyField, key), out var builder)) byEntity[(rule.KeyField, key)] = builder = new Builder();
                var index = builder.RuleIndex(rule);
                if (first) builder.Facts.Add(new Fact(index, 0, e.Origin.Offset, e.Timestamp, e.EventId, value));
                if (then) builder.Facts.Add(new Fact(index, 1, e.Origin.Offset, e.Timestamp, e.EventId, value));
            }
        }
        if (byEntity is null) return [];
        return byEntity.Select(pair => new DetectFacts(EntityIds.For(pair.Key.Field, pair.Key.Key), partition,
            pair.Value.Rules.Select(r => r.Name).ToArray(), pair.Value.CompactFacts())).ToList();
    }

    /// <summary>A long key or distinct value as its hash: entity ids, actor messages and journal entries stay bounded.</summary>
    private static string Digest(string value) =>
        "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    /// <summary>One entity's facts, and only the rules they concern (a fact refers to its rule by index into them).</summary>
    private sealed class Builder
    {
        public List<DetectionRule> Rules { get; } = [];

        public List<Fact> Facts { get; } = [];

        public int RuleIndex(DetectionRule rule)
        {
            for (var i = 0; i < Rules.Count; i++)
            {
                if (ReferenceEquals(Rules[i], rule)) return i;
            }
            Rules.Add(rule);
            return Rules.Count - 1;
        }

        /// <summary>An absence rule's facts beyond its newest <c>count</c> (by event time) change nothing: they are left out.</summary>
        public Fact[] CompactFacts()
        {
            bool[]? dropped = null;
            var kept = Facts.Count;
            for (var i = 0; i < Rules.Count; i++)
            {
                var rule = Rules[i];
                if (rule.Kind != RuleKind.Absence) continue;
                var mine = 0;
                foreach (var f in Facts) mine += f.Rule == i ? 1 : 0;
                if (mine <= rule.Count) continue;
                var order = new int[mine];
                for (int j = 0, n = 0; j < Facts.Count; j++) if (Facts[j].Rule == i) order[n++] = j;
                Array.Sort(order, NewestFirst);
                dropped ??= new bool[Facts.Count];
                for (var j = rule.Count; j < mine; j++) dropped[order[j]] = true;
                kept -= mine - rule.Count;
            }
            if (dropped is null) return [.. Facts];
            var result = new Fact[kept];
            for (int j = 0, n = 0; j < Facts.Count; j++) if (!dropped[j]) result[n++] = Facts[j];
            return result;
        }

        /// <summary>Orders indexes into <see cref="Facts"/> by event time, then offset, newest first.</summary>
        private int NewestFirst(int a, int b)
        {
            var (x, y) = (Facts[a], Facts[b]);
            var byTime = y.Timestamp.CompareTo(x.Timestamp);
            return byTime != 0 ? byTime : y.Offset.CompareTo(x.Offset);
        }
    }
}
