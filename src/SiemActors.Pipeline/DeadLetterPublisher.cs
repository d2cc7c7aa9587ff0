using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Akka.Event;
using Confluent.Kafka;

namespace SiemActors.Pipeline;

/// <summary>
/// Sends rejected records to the dead-letter topic, unchanged, with why and where from in headers:
/// <c>siem.dlq.reason</c>, <c>siem.dlq.detail</c>, <c>siem.dlq.topic</c>, <c>siem.dlq.partition</c>,
/// <c>siem.dlq.offset</c>. A batch's commit waits for the broker's acknowledgement of its dead letters.
/// </summary>
public sealed class DeadLetterPublisher(IProducer<byte[]?, byte[]?> producer, string topic, ILoggingAdapter log)
{
    private readonly ConcurrentDictionary<string, long> _counts = new();

    /// <summary>Dead letters sent, per reason, since start.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    public async Task PublishAsync(IReadOnlyList<RejectedRecord> rejected)
    {
        if (rejected.Count == 0) return;
        var sends = new Task[rejected.Count];
        for (var i = 0; i < rejected.Count; i++)
        {
            var (record, reason) = rejected[i];
            var headers = new Headers
            {
                { "siem.dlq.reason", Encoding.UTF8.GetBytes(reason.Reason) },
                { "siem.dlq.detail", Encoding.UTF8.GetBytes(reason.Detail) },
                { "siem.dlq.topic", Encoding.UTF8.GetBytes(record.Topic) },
                { "siem.dlq.partition", Encoding.UTF8.GetBytes(record.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
                { "siem.dlq.offset", Encoding.UTF8.GetBytes(record.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
            };
            sends[i] = producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers });
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
        foreach (var r in rejected)
        {
            _counts.AddOrUpdate(r.Reason.Reason, 1, (_, n) => n + 1);
            log.Warning("Dead-lettered {0}[{1}]@{2}: {3}", r.Record.Topic, r.Record.Partition.Value, r.Record.Offset.Value, r.Reason);
        }
    }
}
