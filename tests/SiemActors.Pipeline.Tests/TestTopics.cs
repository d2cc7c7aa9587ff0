using Akka.Configuration;

namespace SiemActors.Pipeline.Tests;

/// <summary>The topic names a node's hocon/siem.conf gives; the pipeline's settings require them.</summary>
internal static class TestTopics
{
    public static readonly Config Config = ConfigurationFactory.ParseString(
        "siem.kafka.topics { events.name = siem-events, dead-letter.name = siem-events-dlq, processed.name = siem-processed-events }");
}
