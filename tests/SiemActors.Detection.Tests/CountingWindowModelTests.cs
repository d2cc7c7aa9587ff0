using SiemActors.Detection.Engine;
using Xunit;

namespace SiemActors.Detection.Tests;

/// <summary>
/// The counting window's fast path (events in order) and its general path (out of order) against a plain model of
/// the documented semantics, on random event streams: the same alerts, with the same windows and counts.
/// </summary>
public sealed class CountingWindowModelTests
{
    [Theory]
    [InlineData("threshold", 0.0)]
    [InlineData("threshold", 0.2)]
    [InlineData("distinct", 0.0)]
    [InlineData("distinct", 0.2)]
    public void Matches_the_model_on_random_streams(string type, double outOfOrder)
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var count = random.Next(2, 6);
            var rule = type == "threshold"
                ? $"{{ name = r, type = threshold, severity = error, key = src_ip, window = 10s, count = {count}, filter = \"true\" }}"
                : $"{{ name = r, type = distinct, severity = error, key = src_ip, distinct = dst_port, window = 10s, count = {count}, filter = \"true\" }}";
            var scenario = new Scenario(rule, lateness: "1h");
            var model = new Model(10_000, count, type == "distinct");
            var clock = 0.0;
            for (var i = 0; i < 150; i++)
            {
                clock += random.NextDouble() * 3;
                var at = random.NextDouble() < outOfOrder ? clock - random.NextDouble() * 15 : clock;
                var value = random.Next(6).ToString();
                var alertsBefore = scenario.Alerts.Count;
                scenario.SendValues((at, value));
                var fired = scenario.Alerts.Count > alertsBefore ? scenario.Alerts[^1] : null;
                var expected = model.Add(Scenario.At(at), value);
                Assert.True(expected?.Start == fired?.FirstEventTime && expected?.Count == fired?.Count,
                    $"seed {seed}, event {i} at {at:0.000}: model {expected}, window {(fired is null ? "none" : $"{fired.FirstEventTime}/{fired.Count}")}");
            }
        }
    }

    /// <summary>The semantics, plainly: the earliest window [s, s + w) holding the new event that meets the count fires.</summary>
    private sealed class Model(long window, int count, bool distinct)
    {
        private readonly List<(long Time, string Value)> _events = [];
        private long _suppressUntil = long.MinValue;

        public (long Start, long Count)? Add(long time, string value)
        {
            if (time < _suppressUntil) return null;
            _events.Add((time, value));
            foreach (var start in _events.Select(e => e.Time).Where(s => s > time - window && s <= time).Distinct().Order())
            {
                var inside = _events.Where(e => e.Time >= start && e.Time < start + window).ToList();
                var n = distinct ? inside.Select(e => e.Value).Distinct().Count() : inside.Count;
                if (n < count) continue;
                _suppressUntil = start + window;
                _events.RemoveAll(e => e.Time < _suppressUntil);
                return (start, n);
            }
            return null;
        }
    }
}
