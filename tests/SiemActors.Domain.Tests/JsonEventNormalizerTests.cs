using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using Xunit;

namespace SiemActors.Domain.Tests;

public sealed class JsonEventNormalizerTests
{
    private static readonly KafkaOrigin Origin = new("siem-events", 3, 1234);
    private const long IngestedAt = 1_800_000_000_000;
    private const long RecordTimestamp = 1_799_999_999_000;
    private readonly JsonEventNormalizer _normalizer = new(NormalizerLimits.ForTests);

    private SecurityEvent Normalize(string json)
    {
        var result = _normalizer.Normalize(Encoding.UTF8.GetBytes(json), Origin, RecordTimestamp, IngestedAt);
        Assert.True(result.IsEvent, $"dead-lettered: {result.Rejection}");
        return result.Event!;
    }

    private DeadLetter Reject(byte[] input)
    {
        var result = _normalizer.Normalize(input, Origin, RecordTimestamp, IngestedAt);
        Assert.False(result.IsEvent, "accepted bad input");
        return result.Rejection!;
    }

    [Fact]
    public void A_Vector_event_maps_its_fields_and_keeps_the_rest_as_attributes()
    {
        const string json = """
            {"id":"evt-1","timestamp":"2026-11-27T04:00:01.250Z","host":"fw-01","source_type":"firewall",
             "severity":"warning","message":"DENY tcp 10.0.0.5:51514 -> 8.8.8.8:53","src_ip":"10.0.0.5","src_port":51514,
             "dst_ip":"8.8.8.8","dst_port":"53","action":"deny","user":"alice","tags":["edge","dmz"],
             "rule":"block-dns","bytes":1200,"blocked":true,"interfaces":["eth0","eth1"]}
            """;
        var e = Normalize(json);

        Assert.Equal("evt-1", e.EventId);
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T04:00:01.250Z").ToUnixTimeMilliseconds(), e.Timestamp);
        Assert.Equal(IngestedAt, e.IngestedAt);
        Assert.Equal("fw-01", e.Host);
        Assert.Equal("firewall", e.Source);
        Assert.Equal(Severity.Warning, e.Severity);
        Assert.Equal("10.0.0.5", e.SrcIp);
        Assert.Equal(51514, e.SrcPort);
        Assert.Equal("8.8.8.8", e.DstIp);
        Assert.Equal(53, e.DstPort);
        Assert.Equal("deny", e.Action);
        Assert.Equal("alice", e.User);
        Assert.Equal(["edge", "dmz"], e.Tags);
        Assert.Equal(new Dictionary<string, string>
        {
            ["rule"] = "block-dns",
            ["bytes"] = "1200",
            ["blocked"] = "true",
            ["interfaces"] = """["eth0","eth1"]""",
        }, e.Attributes);
        Assert.Equal(Origin, e.Origin);
        Assert.Equal(json, Encoding.UTF8.GetString(e.Raw.Span));
    }

    [Fact]
    public void Without_a_shipper_id_the_event_id_is_derived_from_the_origin_and_stable()
    {
        var first = Normalize("""{"message":"x"}""");
        var again = Normalize("""{"message":"x"}""");
        Assert.Equal("siem-events-3-1234", first.EventId);
        Assert.Equal(first.EventId, again.EventId);
    }

    [Fact]
    public void Nested_ECS_objects_land_in_the_same_fields_as_flat_names()
    {
        var e = Normalize("""
            {"@timestamp":1800000000,"host":{"name":"web-7","os":{"family":"linux"}},"source":{"ip":"2001:db8::1","port":443},
             "destination":{"ip":"192.168.1.10","port":8443},"user":{"name":"bob"},"event":{"action":"login","outcome":"failure","category":"authentication"},
             "log":{"level":"ERR"},"process":{"name":"sshd","pid":4242},"source_type":"sshd"}
            """);
        Assert.Equal(1_800_000_000_000, e.Timestamp);
        Assert.Equal("web-7", e.Host);
        Assert.Equal("sshd", e.Source);
        Assert.Equal("2001:db8::1", e.SrcIp);
        Assert.Equal(443, e.SrcPort);
        Assert.Equal("192.168.1.10", e.DstIp);
        Assert.Equal(8443, e.DstPort);
        Assert.Equal("bob", e.User);
        Assert.Equal("login", e.Action);
        Assert.Equal("failure", e.Outcome);
        Assert.Equal("authentication", e.Category);
        Assert.Equal(Severity.Error, e.Severity);
        Assert.Equal("sshd", e.Process);
        Assert.Equal("linux", e.Attributes["host.os.family"]);
        Assert.Equal("4242", e.Attributes["process.pid"]);
    }

    [Theory]
    [InlineData("0", Severity.Emergency)]
    [InlineData("7", Severity.Debug)]
    [InlineData("\"3\"", Severity.Error)]
    [InlineData("\"CRIT\"", Severity.Critical)]
    [InlineData("\"Informational\"", Severity.Informational)]
    [InlineData("\"warn\"", Severity.Warning)]
    public void Severity_takes_numbers_and_names(string value, Severity expected) =>
        Assert.Equal(expected, Normalize($$"""{"severity":{{value}}}""").Severity);

    [Fact]
    public void Values_a_field_cannot_hold_are_kept_as_attributes_and_defaults_apply()
    {
        var e = Normalize("""{"timestamp":"yesterday-ish","severity":"loud","src_ip":"not-an-ip","dst_port":99999,"src_port":-1}""");
        Assert.Equal(RecordTimestamp, e.Timestamp);
        Assert.Equal(Severity.Informational, e.Severity);
        Assert.Null(e.SrcIp);
        Assert.Null(e.DstPort);
        Assert.Null(e.SrcPort);
        Assert.Equal("unknown", e.Host);
        Assert.Equal("unknown", e.Source);
        Assert.Equal("yesterday-ish", e.Attributes["timestamp"]);
        Assert.Equal("loud", e.Attributes["severity"]);
        Assert.Equal("not-an-ip", e.Attributes["src_ip"]);
        Assert.Equal("99999", e.Attributes["dst_port"]);
    }

    [Fact]
    public void Source_wins_over_source_type_and_epoch_milliseconds_are_read_as_such()
    {
        var e = Normalize("""{"source_type":"syslog","source":"vpn","timestamp":1800000000123}""");
        Assert.Equal("vpn", e.Source);
        Assert.Equal(1_800_000_000_123, e.Timestamp);
    }

    [Theory]
    [InlineData("", DeadLetter.Empty)]
    [InlineData("not json at all", DeadLetter.NotJson)]
    [InlineData("{\"a\":", DeadLetter.NotJson)]
    [InlineData("[1,2,3]", DeadLetter.NotAnObject)]
    [InlineData("\"just a string\"", DeadLetter.NotAnObject)]
    [InlineData("{\"a\":1} trailing", DeadLetter.NotJson)]
    [InlineData("{\"a\":1}{\"b\":2}", DeadLetter.NotJson)]
    public void Bad_input_is_dead_lettered_with_its_reason(string input, string reason) =>
        Assert.Equal(reason, Reject(Encoding.UTF8.GetBytes(input)).Reason);

    [Fact]
    public void Limits_are_dead_lettered_with_what_was_exceeded()
    {
        var normalizer = new JsonEventNormalizer(new NormalizerLimits(MaxMessageBytes: 100, MaxFields: 3, MaxDepth: 4));
        var big = normalizer.Normalize(new byte[101], Origin, RecordTimestamp, IngestedAt).Rejection!;
        Assert.Equal(DeadLetter.TooLarge, big.Reason);
        Assert.Contains("101 bytes", big.Detail);

        var many = normalizer.Normalize("""{"a":1,"b":2,"c":3,"d":4}"""u8.ToArray(), Origin, RecordTimestamp, IngestedAt).Rejection!;
        Assert.Equal(DeadLetter.TooManyFields, many.Reason);

        var deep = new JsonEventNormalizer(new NormalizerLimits(MaxMessageBytes: 100, MaxFields: 100, MaxDepth: 4)).Normalize("""{"a":{"b":{"c":{"d":{"e":1}}}}}"""u8.ToArray(), Origin, RecordTimestamp, IngestedAt).Rejection!;
        Assert.Equal(DeadLetter.TooDeep, deep.Reason);
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_either_parse_or_give_a_reason()
    {
        var random = new Random(20261127);
        var seeds = new[] { """{"message":"a","host":"h","tags":["x"],"n":{"m":[1,{"k":null}]}}"""u8.ToArray(), "{}"u8.ToArray() };
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])seeds[i % seeds.Length].Clone();
                for (var flips = random.Next(1, 4); flips > 0 && input.Length > 0; flips--)
                    input[random.Next(input.Length)] = (byte)random.Next(256);
            }
            var result = _normalizer.Normalize(input, Origin, RecordTimestamp, IngestedAt);
            Assert.True(result.IsEvent ^ (result.Rejection is not null));
        }
    }
}
