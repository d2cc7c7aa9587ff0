using Akka.Event;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace SiemActors.Pipeline.Epochs;

/// <summary>
/// Topic ids (Kafka 2.8+: a new id each time a topic is created), from the brokers' DescribeTopics. Brokers that do not
/// answer it (older ones, the embedded mock) are asked once: the epochs then rest on offset regression alone. An id is
/// reused for a few seconds, so a rebalance that assigns many partitions asks once.
/// </summary>
public sealed class TopicIds(IReadOnlyDictionary<string, string> client, ILoggingAdapter log) : IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(5);
    private readonly IAdminClient _admin = new AdminClientBuilder(new AdminClientConfig(client.ToDictionary())).Build();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTime At, Task<string?> Id)> _recent = new(StringComparer.Ordinal);
    private volatile bool _unsupported;

    /// <summary>The topic's id, or null where the brokers give none.</summary>
    public Task<string?> GetAsync(string topic)
    {
        if (_unsupported) return Task.FromResult<string?>(null);
        lock (_gate)
        {
            if (_recent.TryGetValue(topic, out var recent) && DateTime.UtcNow - recent.At < Reuse) return recent.Id;
            var lookup = DescribeAsync(topic);
            _recent[topic] = (DateTime.UtcNow, lookup);
            return lookup;
        }
    }

    private async Task<string?> DescribeAsync(string topic)
    {
        try
        {
            var result = await _admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]),
                new DescribeTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(3) }).ConfigureAwait(false);
            var description = result.TopicDescriptions.FirstOrDefault();
            var id = description is { Error.IsError: false } ? description.TopicId?.ToString() : null;
            return string.IsNullOrEmpty(id) || id == "AAAAAAAAAAAAAAAAAAAAAA" ? null : id;
        }
        catch (KafkaException ex)
        {
            _unsupported = true;
            log.Info("The brokers do not describe topics ({0}): a topic deleted and created again is recognised by its offsets starting below what was stored",
                ex.Error.Reason);
            return null;
        }
    }

    public void Dispose() => _admin.Dispose();
}
