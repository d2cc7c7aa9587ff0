using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Domain.Serialization;
using SiemActors.Fuzz;
using Xunit;

namespace SiemActors.Domain.Tests;

/// <summary>
/// What attackers write, at the parser: every record gives an event or a reason, never an exception; an event's text is
/// well-formed (no lone surrogate), its time one a <see cref="DateTimeOffset"/> holds, and it serializes.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly EventNormalizer Normalizer = new(NormalizerLimits.ForTests);
    private static readonly KafkaOrigin Origin = new("siem-events", 0, 42);
    private const long Now = 1_800_000_000_000;

    [Fact]
    public void Invalid_UTF8_inside_a_JSON_string_is_kept_as_U_FFFD_and_the_raw_bytes_as_they_came()
    {
        byte[] input = [.. "{\"host\":\"h\",\"message\":\"bad "u8, 0xFF, 0xFE, 0xC3, 0x28, .. " bytes\"}"u8];
        var e = Normalizer.Normalize(input, Origin, Now, Now).Event!;
        Assert.Equal("bad \uFFFD\uFFFD\uFFFD( bytes", e.Message);
        Assert.Equal(input, e.Raw.ToArray());
        Assert.Equal(input, Convert.FromBase64String(e.Attributes[SecurityEvent.RawBase64Attribute]));
    }

    [Theory]
    [InlineData("""{"message":"lone \ud800 surrogate"}""", "lone \uFFFD surrogate")]
    [InlineData("""{"message":"low \udc00 first"}""", "low \uFFFD first")]
    [InlineData("""{"message":"pair \ud83d\ude00 kept"}""", "pair \U0001F600 kept")]
    [InlineData("""{"message":"high then text \ud83dx"}""", "high then text \uFFFDx")]
    [InlineData("""{"message":"two highs \ud83d\ud83d\ude00"}""", "two highs \uFFFD\U0001F600")]
    public void Unpaired_surrogate_escapes_become_U_FFFD_and_pairs_stay_whole(string json, string message) =>
        Assert.Equal(message, Normalizer.Normalize(Encoding.UTF8.GetBytes(json), Origin, Now, Now).Event!.Message);

    [Fact]
    public void Surrogates_and_invalid_bytes_in_field_names_severities_ports_and_addresses_do_not_throw()
    {
        var e = Normalizer.Normalize(Encoding.UTF8.GetBytes(
            """{"\ud800key":"v","severity":"\ud800","src_ip":"\udc00","src_port":"\ud800","timestamp":"\ud800","tags":["\ud800",1,"ok"]}"""),
            Origin, Now, Now).Event!;
        Assert.Equal("v", e.Attributes["\uFFFDkey"]);
        Assert.Equal(Severity.Informational, e.Severity);
        Assert.Null(e.SrcIp);
        Assert.Equal(["\uFFFD", "ok"], e.Tags);
        Assert.Equal(Now, e.Timestamp); // not a time: the record's
    }

    [Theory]
    [InlineData("""{"timestamp":-9223372036854775808}""")]
    [InlineData("""{"timestamp":9223372036854775807}""")]
    [InlineData("""{"timestamp":253402300800000}""")]
    [InlineData("""{"timestamp":"9999-12-31T23:59:59.999-14:00"}""")]
    [InlineData("<38>1 9999-12-31T23:59:59-14:00 h app - - - x")]
    [InlineData("<38>1 0000-01-01T00:00:00Z h app - - - x")]
    [InlineData("<38>Jan 01 0000 00:00:00 h app: x")]
    [InlineData("<38>Nov 00 04:00:01 h app: x")]
    [InlineData("<38>Feb 30 04:00:01 h app: x")]
    [InlineData("CEF:0|V|P|1|1|n|5|rt=99999999999999999")]
    [InlineData("LEEF:2.0|V|P|1|E|^|devTime=253402300800000")]
    public void Times_a_DateTimeOffset_cannot_hold_are_not_event_times(string input)
    {
        var e = Normalizer.Normalize(Encoding.UTF8.GetBytes(input), Origin, Now, Now).Event!;
        Assert.Equal(Now, e.Timestamp);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-62167219200000)]
    public void A_Kafka_record_timestamp_out_of_range_falls_back_to_the_ingest_time(long recordTimestamp)
    {
        Assert.Equal(Now, Normalizer.Normalize("""{"message":"m"}"""u8.ToArray(), Origin, recordTimestamp, Now).Event!.Timestamp);
        // RFC 3164 takes its year from the record's time: from the ingest time here, the last Nov 27 before it.
        var bsd = Normalizer.Normalize("<38>Nov 27 04:00:01 h app: m"u8.ToArray(), Origin, recordTimestamp, Now).Event!.Timestamp;
        Assert.InRange(bsd, Now - TimeSpan.FromDays(366).Ticks / 10_000, Now);
    }

    [Theory]
    [InlineData(Mutation.Valid)]
    [InlineData(Mutation.ByteFlips)]
    [InlineData(Mutation.Truncated)]
    [InlineData(Mutation.Spliced)]
    [InlineData(Mutation.InvalidUtf8)]
    [InlineData(Mutation.OverlongUtf8)]
    [InlineData(Mutation.ByteOrderMark)]
    [InlineData(Mutation.LoneSurrogate)]
    [InlineData(Mutation.NulBytes)]
    [InlineData(Mutation.LineBreaksInFields)]
    [InlineData(Mutation.ManyFields)]
    [InlineData(Mutation.HugeNumbers)]
    [InlineData(Mutation.ExtremeTimestamps)]
    [InlineData(Mutation.BadPorts)]
    [InlineData(Mutation.BadAddresses)]
    [InlineData(Mutation.DeepNesting)]
    [InlineData(Mutation.DuplicateKeys)]
    [InlineData(Mutation.EscapeSoup)]
    [InlineData(Mutation.RandomBytes)]
    [InlineData(Mutation.Empty)]
    [InlineData(Mutation.AtSizeLimit)]
    [InlineData(Mutation.PastSizeLimit)]
    [InlineData(Mutation.HostileKafkaFields)]
    public void Every_mutation_gives_an_event_that_serializes_or_a_reason(Mutation kind)
    {
        var seed = Environment.TickCount;
        var mutator = new Mutator(new Random(seed), NormalizerLimits.ForTests.MaxMessageBytes);
        var count = kind is Mutation.AtSizeLimit or Mutation.PastSizeLimit or Mutation.DeepNesting or Mutation.ManyFields ? 20 : 400;
        for (var n = 0; n < count; n++)
        {
            var record = mutator.Make(kind, n);
            var value = record.Value ?? [];
            NormalizeResult result;
            try
            {
                result = Normalizer.Normalize(value, Origin, record.TimestampMs ?? Now, Now);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"{kind} #{n} (seed {seed}) threw {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToBase64String(value)}");
            }
            Assert.True(result.IsEvent ^ (result.Rejection is not null), $"{kind} #{n} (seed {seed})");
            if (result.Event is { } e) AssertSound(e, $"{kind} #{n} (seed {seed}): {Convert.ToBase64String(value)}");
        }
    }

    private static void AssertSound(SecurityEvent e, string what)
    {
        Assert.True(EventTime.IsValid(e.Timestamp), $"{what}: time {e.Timestamp}");
        foreach (var text in new[] { e.EventId, e.Source, e.Host, e.Message, e.Category, e.Action, e.Outcome, e.SrcIp, e.DstIp, e.User, e.Process }
                     .Concat(e.Tags).Concat(e.Attributes.Keys).Concat(e.Attributes.Values))
        {
            if (text is not null) Assert.True(WellFormed(text), $"{what}: lone surrogate in \"{text}\"");
        }
        Assert.NotEmpty(EventJson.ToUtf8(new EnrichedEvent(e, HostEnrichment.None)));
    }

    private static bool WellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }
}
