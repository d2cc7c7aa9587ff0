using SiemActors.Detection.Entity;
using Xunit;

namespace SiemActors.Pipeline.Tests;

/// <summary>A key's facts from one partition batch, too many for one message, cut for the entity's replay rule.</summary>
public sealed class DetectorSplitTests
{
    private static DetectFacts Part(params long[] offsets) =>
        new("src_ip:10.0.0.5", 3, ["brute", "spray"], offsets.Select((o, i) => new Fact(i % 2, 0, o, 1_800_000_000_000 + o, $"e{o}", "")).ToArray());

    [Fact]
    public void A_part_within_the_limit_is_sent_as_it_is()
    {
        var part = Part(1, 2, 3);
        Assert.Same(part, Assert.Single(Detector.Split(part, 3)));
    }

    [Fact]
    public void A_large_part_is_cut_only_between_offsets_and_keeps_every_fact_in_order()
    {
        // Offsets 5 and 9 each carry two facts (two rules matched one event).
        var part = Part(1, 2, 5, 5, 6, 7, 9, 9, 10, 11);

        var pieces = Detector.Split(part, 3).ToList();

        Assert.Equal(part.Facts, pieces.SelectMany(p => p.Facts));
        Assert.All(pieces, p => Assert.True(p.Facts.Length <= 3, $"{p.Facts.Length} facts"));
        Assert.All(pieces, p => Assert.Equal((part.EntityId, part.Partition, part.Rules), (p.EntityId, p.Partition, p.Rules)));
        // No offset is in two pieces, and each piece starts above where the one before ended.
        for (var i = 1; i < pieces.Count; i++) Assert.True(pieces[i].Facts[0].Offset > pieces[i - 1].Facts[^1].Offset);
    }

    [Fact]
    public void An_offset_with_more_facts_than_the_limit_stays_whole()
    {
        var part = Part(1, 4, 4, 4, 4, 8);

        var pieces = Detector.Split(part, 2).ToList();

        Assert.Equal(part.Facts, pieces.SelectMany(p => p.Facts));
        Assert.Contains(pieces, p => p.Facts.Length == 4 && p.Facts.All(f => f.Offset == 4));
        for (var i = 1; i < pieces.Count; i++) Assert.True(pieces[i].Facts[0].Offset > pieces[i - 1].Facts[^1].Offset);
    }
}
