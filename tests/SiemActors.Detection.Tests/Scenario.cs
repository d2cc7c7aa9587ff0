using Akka.Configuration;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;
using SiemActors.Domain.Alerts;

namespace SiemActors.Detection.Tests;

/// <summary>
/// Drives one key's <see cref="DetectionState"/> with facts for one rule: times in seconds from a fixed origin,
/// offsets in arrival order per partition unless given.
/// </summary>
public sealed class Scenario
{
    public const long Origin = 1_800_000_000_000;
    private readonly Dictionary<int, long> _offsets = new();
    private readonly string _rule;
    private int _ids;

    public Scenario(string ruleHocon, string lateness = "1m", string key = "src_ip:10.0.0.5")
    {
        Settings = DetectionSettings.Create(ConfigurationFactory.ParseString($$"""
            siem.detection { allowed-lateness = {{lateness}}, sample-size = 3, rules = [ {{ruleHocon}} ] }
            """));
        _rule = Settings.Rules[0].Name;
        State = new DetectionState(key, Settings.Rules.ToDictionary(r => r.Name), Settings);
    }

    public DetectionSettings Settings { get; }

    public DetectionState State { get; }

    public List<Alert> Alerts { get; } = [];

    public static long At(double seconds) => Origin + (long)(seconds * 1000);

    /// <summary>One fact per time, in this order, as one batch of partition 0; returns the batch.</summary>
    public DetectFacts Send(params double[] seconds) => Send(0, seconds.Select(s => (s, (byte)0, "")).ToArray());

    public DetectFacts SendSecond(params double[] seconds) => Send(0, seconds.Select(s => (s, (byte)1, "")).ToArray());

    public DetectFacts SendValues(params (double Seconds, string Value)[] facts) => Send(0, facts.Select(f => (f.Seconds, (byte)0, f.Value)).ToArray());

    public DetectFacts Send(int partition, (double Seconds, byte Step, string Value)[] facts)
    {
        var batch = new DetectFacts(State.KeyField + ":" + State.Key, partition, [_rule], facts.Select(f =>
        {
            var offset = _offsets[partition] = _offsets.GetValueOrDefault(partition, -1) + 1;
            return new Fact(0, f.Step, offset, At(f.Seconds), $"e{++_ids}", f.Value);
        }).ToArray());
        Apply(batch);
        return batch;
    }

    public ApplyResult Apply(DetectFacts batch)
    {
        var result = State.Apply(batch, At(0));
        Alerts.AddRange(result.Alerts);
        return result;
    }
}
