using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka.Messages;

namespace SiemActors.Pipeline;

/// <summary>
/// Normalizes one partition's batch of records (JSON, RFC 5424 and RFC 3164 syslog, CEF, LEEF, detected per message). Every
/// record becomes an event or a rejection; none is dropped and none throws.
/// </summary>
public sealed class BatchNormalizer(EventNormalizer normalizer, IReadOnlyDictionary<string, InputFormat>? topicFormats = null)
{
    public NormalizedBatch Normalize(IReadOnlyList<CommittableMessage<byte[]?, byte[]?>> batch, long now)
    {
        var events = new List<SecurityEvent>(batch.Count);
        List<RejectedRecord>? rejected = null;
        var format = topicFormats is not null && topicFormats.TryGetValue(batch[0].Record.Topic, out var f) ? f : InputFormat.Unknown;
        foreach (var message in batch)
        {
            var record = message.Record;
            var origin = new KafkaOrigin(record.Topic, record.Partition.Value, record.Offset.Value);
            var recordTime = record.Message.Timestamp.UnixTimestampMs;
            var result = record.Message.Value is { } value
                ? normalizer.Normalize(value, origin, recordTime, now, format)
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
