using Akka.Configuration;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Rules;
using SiemActors.Domain.Events;
using Xunit;

namespace SiemActors.Detection.Tests;

public sealed class FactExtractorTests
{
    private static readonly DetectionSettings Settings = DetectionSettings.Create(ConfigurationFactory.ParseString("""
        siem.detection.rules = [
          { name = brute, type = threshold, severity = error, key = src_ip, window = 5m, count = 10, filter = "outcome == \"failure\"" }
          { name = sweep, type = distinct, severity = warning, key = src_ip, distinct = dst_port, window = 1m, count = 20, filter = "true" }
          { name = after, type = sequence, severity = error, key = user, window = 5m, filter = "outcome == \"failure\"", then = "outcome == \"success\"" }
        ]
        """));

    private static SecurityEvent Event(long offset, string? srcIp, string? user, string outcome, int? dstPort = null) => new()
    {
        EventId = $"id-{offset}",
        Timestamp = 1000 + offset,
        IngestedAt = 0,
        Source = "sshd",
        Host = "h",
        SrcIp = srcIp,
        User = user,
        Outcome = outcome,
        DstPort = dstPort,
        Origin = new KafkaOrigin("siem-events", 3, offset),
    };

    [Fact]
    public void Each_key_gets_one_message_with_only_the_facts_and_rules_it_concerns()
    {
        var facts = new FactExtractor(Settings.Rules).Extract(3, [
            Event(0, "10.0.0.1", "alice", "failure", 22),
            Event(1, "10.0.0.1", "alice", "success"),
            Event(2, null, null, "failure", 22),
            Event(3, "10.0.0.2", null, "unknown", 80),
        ]).ToDictionary(f => f.EntityId);

        Assert.Equal(["src_ip:10.0.0.1", "src_ip:10.0.0.2", "user:alice"], facts.Keys.Order());
        var ip1 = facts["src_ip:10.0.0.1"];
        Assert.Equal(3, ip1.Partition);
        Assert.Equal(["brute", "sweep"], ip1.Rules);
        // Event 1 has no destination port: the distinct rule has nothing to count.
        Assert.Equal([(0, 0L, ""), (1, 0L, "22")], ip1.Facts.Select(f => (f.Rule, f.Offset, f.Value)));
        Assert.Equal(["sweep"], facts["src_ip:10.0.0.2"].Rules);
        var alice = facts["user:alice"];
        Assert.Equal(["after"], alice.Rules);
        Assert.Equal([(0, (byte)0, 0L), (0, (byte)1, 1L)], alice.Facts.Select(f => (f.Rule, f.Step, f.Offset)));
    }

    [Fact]
    public void No_rules_or_no_matches_give_nothing()
    {
        Assert.Empty(new FactExtractor([]).Extract(0, [Event(0, "10.0.0.1", "alice", "failure")]));
        Assert.Empty(new FactExtractor(Settings.Rules).Extract(0, [Event(0, null, null, "unknown")]));
    }

    [Fact]
    public void Keys_and_distinct_values_longer_than_a_key_field_travel_as_their_hash()
    {
        var rules = DetectionSettings.Create(ConfigurationFactory.ParseString("""
            siem.detection.rules = [
              { name = byattr, type = distinct, severity = warning, key = attributes.session, distinct = attributes.note, window = 1m, count = 2, filter = "true" }
            ]
            """)).Rules;
        var huge = new string('k', 100_000);
        var e = new SecurityEvent
        {
            EventId = "id-0", Timestamp = 1, IngestedAt = 0, Source = "s", Host = "h", Attributes = new Dictionary<string, string> { ["session"] = huge, ["note"] = new string('n', 50_000) }, Origin = new KafkaOrigin("siem-events", 0, 0),
        };

        var facts = Assert.Single(new FactExtractor(rules).Extract(0, [e, e]));

        Assert.True(facts.EntityId.Length < 300, facts.EntityId[..50]);
        Assert.StartsWith("attributes.session:sha256:", facts.EntityId);
        Assert.All(facts.Facts, f => Assert.StartsWith("sha256:", f.Value));
    }
}

public sealed class AbsenceFactCompactionTests
{
    [Fact]
    public void Only_an_absence_rules_newest_count_facts_of_a_batch_are_sent()
    {
        var settings = DetectionSettings.Create(ConfigurationFactory.ParseString("""
            siem.detection.rules = [
              { name = silent, type = absence, severity = warning, key = host, window = 5m, count = 3, filter = "true" }
              { name = busy, type = threshold, severity = notice, key = host, window = 5m, count = 1000, filter = "true" }
            ]
            """));
        var events = Enumerable.Range(0, 10).Select(i => new SecurityEvent
        {
            // Event times out of order: the newest three are offsets 2, 5 and 9.
            EventId = $"e{i}", Timestamp = i switch { 2 => 900, 5 => 950, 9 => 990, _ => 100 + i }, IngestedAt = 0, Source = "s", Host = "web-1",
            Origin = new KafkaOrigin("siem-events", 0, i),
        }).ToList();
        var facts = Assert.Single(new FactExtractor(settings.Rules).Extract(0, events));
        var silent = Array.IndexOf(facts.Rules, "silent");
        Assert.Equal([2L, 5L, 9L], facts.Facts.Where(f => f.Rule == silent).Select(f => f.Offset));
        Assert.Equal(10, facts.Facts.Count(f => f.Rule != silent));
    }
}
