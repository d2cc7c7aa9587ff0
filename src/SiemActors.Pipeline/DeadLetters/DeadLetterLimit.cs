using Akka.Event;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace SiemActors.Pipeline.DeadLetters;

/// <summary>
/// How large a dead-letter copy may be: the configured <c>max-record-bytes</c>, else the smaller of the DLQ producer's
/// <c>message.max.bytes</c> (librdkafka refuses larger records before they leave) and the topic's
/// <c>max.message.bytes</c> as the brokers report it. Brokers that do not answer DescribeConfigs (the embedded mock)
/// leave the producer's limit; the publisher still cuts further if a broker refuses a copy as too large.
/// </summary>
public static class DeadLetterLimit
{
    /// <summary>librdkafka's default <c>message.max.bytes</c>.</summary>
    public const int ProducerDefault = 1_000_000;

    public static async Task<int> ResolveAsync(DeadLetterSettings settings, ProducerConfig producer, IReadOnlyDictionary<string, string> client, string topic,
        ILoggingAdapter log)
    {
        if (settings.MaxRecordBytes > 0) return settings.MaxRecordBytes;
        var limit = producer.MessageMaxBytes ?? ProducerDefault;
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig(client.ToDictionary())).Build();
            var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }],
                new DescribeConfigsOptions { RequestTimeout = TimeSpan.FromSeconds(5) }).ConfigureAwait(false);
            if (described.FirstOrDefault()?.Entries.TryGetValue("max.message.bytes", out var entry) == true
                && int.TryParse(entry.Value, out var topicMax) && topicMax > 0)
                limit = Math.Min(limit, topicMax);
            log.Info("Dead-letter copies of up to {0} bytes to {1} (the producer's and the topic's limit); larger ones are truncated", limit, topic);
        }
        catch (KafkaException ex)
        {
            log.Info("Dead-letter copies of up to {0} bytes to {1} (the producer's limit; the brokers did not describe the topic: {2})",
                limit, topic, ex.Error.Reason);
        }
        return limit;
    }
}
