using System.Text;
using Akka.Configuration;
using Confluent.Kafka;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka.Messages;
using Xunit;

namespace SiemActors.Pipeline.Tests;

public sealed class TopicFormatTests
{
    private static PipelineSettings Settings(string hocon) => PipelineSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(TestTopics.Config));

    [Fact]
    public void A_topic_with_a_configured_format_parses_as_it_and_dead_letters_anything_else()
    {
        var settings = Settings("""siem.normalize.topic-formats = [ { topic = "cef-in", format = cef }, { topic = "bsd", format = rfc3164 } ]""");
        var normalizer = new BatchNormalizer(new EventNormalizer(settings.Limits), settings.TopicFormats);

        var cef = normalizer.Normalize(Batch("cef-in", "CEF:0|V|P|1|1|n|5|src=1.2.3.4", """{"message":"json on a CEF topic"}"""), 0);
        Assert.Equal("P", Assert.Single(cef.Events).Source);
        Assert.Equal(DeadLetter.WrongFormat, Assert.Single(cef.Rejected).Reason.Reason);
        Assert.Contains("Cef", Assert.Single(cef.Rejected).Reason.Detail);

        var bsd = normalizer.Normalize(Batch("bsd", "<13>1 - - - - - -", "<13>Nov 27 04:00:01 h app: x"), 0);
        Assert.Equal(2, bsd.Events.Count); // a 5424-looking line is still a <PRI> line
        Assert.Equal("app", bsd.Events[1].Source);

        var other = normalizer.Normalize(Batch("anything", """{"message":"detected"}"""), 0);
        Assert.Single(other.Events);
    }

    [Fact]
    public void An_unknown_format_name_is_refused_naming_the_topic() =>
        Assert.Contains("topic 'x' has format 'xml'",
            Assert.Throws<ConfigurationException>(() => Settings("""siem.normalize.topic-formats = [ { topic = "x", format = xml } ]""")).Message);

    private static List<CommittableMessage<byte[]?, byte[]?>> Batch(string topic, params string[] values) =>
        values.Select((v, i) => new CommittableMessage<byte[]?, byte[]?>(
            new ConsumeResult<byte[]?, byte[]?>
            {
                Topic = topic, Partition = 0, Offset = i,
                Message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(v), Timestamp = new Timestamp(1_800_000_000_000, TimestampType.CreateTime) },
            },
            null!)).ToList();
}
