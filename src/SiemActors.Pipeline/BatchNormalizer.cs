using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka.Messages;

namespace SiemActors.Pipeline;

/// <summary>
/// Normalizes one partition's batch of records. Every record becomes an event or a rejection; none is dropped and
/// none throws. Formats other than JSON plug in here.
/// </summary>
public sealed class BatchNormalizer(JsonEventNormalizer json)
{
    public NormalizedBatch Normalize(IReadOnlyList<CommittableMessage<byte[]?, byte[]?>> batch, long now)
    {
        var events = new List<SecurityEvent>(batch.Count);
        List<RejectedRecord>? rejected = null;
        foreach (var message in batch)
        {
            var record = message.Record;
            var origin = new KafkaOrigin(record.Topic, record.Partition.Value, record.Offset.Value);
            var recordTime = record.Message.Timestamp.UnixTimestampMs;
            var result = record.Message.Value is { } value
                ? json.Normalize(value, origin, recordTime, now)
                : NormalizeResult.Reject(DeadLetter.Empty, "the record has no value (a tombstone)");
            if (result.Event is { } e) events.Add(e);
            else (rejected ??= []).Add(new RejectedRecord(record, result.Rejection!));
        }
        var first = batch[0].Record;
        var last = batch[^1];
        return new NormalizedBatch(first.Topic, first.Partition.Value, first.Offset.Value, last.Record.Offset.Value, events,
            rejected ?? (IReadOnlyList<RejectedRecord>)[], last.CommittableOffset);
    }
}
