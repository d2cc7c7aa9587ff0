using System.Text;
using System.Text.Json;
using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;
using Xunit;

namespace SiemActors.Domain.Tests;

public sealed class EventJsonReaderTests
{
    private static EnrichedEvent Sample(bool withOptional, string? message = null, byte[]? raw = null) => new(new SecurityEvent
    {
        EventId = "ev-1", Timestamp = 1_790_000_000_123, IngestedAt = 1_790_000_000_456, Source = "sshd", Host = "web-01",
        Severity = Severity.Warning,
        Category = withOptional ? "authentication" : null, Action = withOptional ? "login" : null, Outcome = withOptional ? "failure" : null,
        SrcIp = withOptional ? "10.0.0.7" : null, SrcPort = withOptional ? 51234 : null, DstIp = withOptional ? "::1" : null,
        DstPort = withOptional ? 22 : null, User = withOptional ? "root" : null, Process = withOptional ? "sshd[42]" : null,
        Message = message ?? "Failed password for \"root\"\n", Tags = withOptional ? ["auth", "edge"] : [],
        Attributes = withOptional ? new Dictionary<string, string> { ["geo.country"] = "NL", ["empty"] = "" } : new Dictionary<string, string>(),
        Raw = raw ?? Encoding.UTF8.GetBytes("<34>Oct 11 22:14:15 web-01 sshd[42]: Failed password for \"root\""),
        Origin = new KafkaOrigin("siem-events", 5, 1234),
    }, withOptional ? new HostEnrichment(1_789_999_999_000, 17, 3) : HostEnrichment.None);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void What_the_writer_writes_reads_back_to_the_same_bytes(bool withOptional)
    {
        var original = Sample(withOptional);
        var json = EventJson.ToUtf8(original);
        var read = EventJsonReader.Read(json);
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(EventJson.ToUtf8(read)));
        Assert.Equal(original.Event.SrcPort, read.Event.SrcPort);
        Assert.Equal(original.Host, read.Host);
    }

    [Fact]
    public void Each_call_returns_only_its_own_event_after_a_larger_one_and_after_one_too_large_to_keep_the_buffer()
    {
        var small = Sample(withOptional: false);
        var expected = Encoding.UTF8.GetString(EventJson.ToUtf8(small));
        var big = Sample(withOptional: false, message: new string('m', 50_000));
        var huge = Sample(withOptional: false, raw: new byte[400_000]);

        var bigJson = EventJson.ToUtf8(big);
        Assert.Equal(expected, Encoding.UTF8.GetString(EventJson.ToUtf8(small)));
        var hugeJson = EventJson.ToUtf8(huge);
        Assert.Equal(expected, Encoding.UTF8.GetString(EventJson.ToUtf8(small)));
        Assert.Equal(big.Event.Message, EventJsonReader.Read(bigJson).Event.Message);
        Assert.Equal(huge.Event.Raw, EventJsonReader.Read(hugeJson).Event.Raw);
    }

    [Fact]
    public void Escapes_what_JSON_requires_and_writes_other_characters_as_they_are()
    {
        var e = Sample(withOptional: false, message: "a <b> & 'c' + é \u2603 \"q\" back\\slash\ttab\u0001",
            raw: Encoding.UTF8.GetBytes("{\"user\":\"zoë\"}"));
        var json = Encoding.UTF8.GetString(EventJson.ToUtf8(e));
        Assert.Contains("\"message\":\"a <b> & 'c' + é \u2603 \\\"q\\\" back\\\\slash\\ttab\\u0001\"", json);
        Assert.Contains("\"raw\":\"{\\\"user\\\":\\\"zoë\\\"}\"", json);
        var read = EventJsonReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Equal(e.Event.Message, read.Event.Message);
        Assert.Equal(e.Event.Raw, read.Event.Raw);
    }

    [Fact]
    public void Unknown_fields_are_skipped()
    {
        var read = EventJsonReader.Read("""{"future":{"a":[1,2]},"event_id":"x","timestamp":1,"source":"s","host":"h","severity":3}"""u8);
        Assert.Equal("x", read.Event.EventId);
        Assert.Equal(Severity.Error, read.Event.Severity);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"event_id":"x"}""")]
    [InlineData("""{"event_id":"x","timestamp":"soon","source":"s","host":"h"}""")]
    public void Json_that_is_not_an_event_is_refused(string json)
    {
        Assert.ThrowsAny<Exception>(() => EventJsonReader.Read(Encoding.UTF8.GetBytes(json)));
    }
}
