using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka.Messages;
using SiemActors.Pipeline.DeadLetters;

namespace SiemActors.Pipeline;

/// <summary>
/// Normalizes one partition's batch of records (JSON, RFC 5424 and RFC 3164 syslog, CEF, LEEF, detected per message). Every
/// record becomes an event or a dead letter; none is dropped. The parsers never throw on input; should a bug make one
/// throw anyway, that record alone is dead-lettered as <c>internal-error</c> (last-resort guard) and the rest go on.
/// </summary>
public sealed class BatchNormalizer(EventNormalizer normalizer, IReadOnlyDictionary<string, InputFormat>? topicFormats = null, InternalErrors? errors = null)
{
    /// <param name="batch">Records of one partition, in offset order.</param>
    /// <param name="now">The ingest time.</param>
    /// <param name="epoch">The partition's log epoch.</param>
    public NormalizedBatch Normalize(IReadOnlyList<CommittableMessage<byte[]?, byte[]?>> batch, long now, int epoch = 0)
    {
        var events = new List<SecurityEvent>(batch.Count);
        List<DeadLetterRecord>? rejected = null;
        var format = topicFormats is not null && topicFormats.TryGetValue(batch[0].Record.Topic, out var f) ? f : InputFormat.Unknown;
        foreach (var message in batch)
        {
            var record = message.Record;
            NormalizeResult result;
            try
            {
                var origin = new KafkaOrigin(record.Topic, record.Partition.Value, record.Offset.Value, epoch);
                result = record.Message.Value is { } value
                    ? normalizer.Normalize(value, origin, record.Message.Timestamp.UnixTimestampMs, now, format)
                    : NormalizeResult.Reject(DeadLetter.Empty, "the record has no value (a tombstone)");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var reason = DeadLetter.Internal("normalization", ex);
                errors?.Report("normalization", $"{record.Topic}[{record.Partition.Value}]@{record.Offset.Value}", ex);
                result = new NormalizeResult(null, reason);
            }
            if (result.Event is { } e) events.Add(e);
            else (rejected ??= []).Add(DeadLetterRecord.Of(record, result.Rejection!));
        }
        var first = batch[0].Record;
        var last = batch[^1];
        return new NormalizedBatch(first.Topic, first.Partition.Value, first.Offset.Value, last.Record.Offset.Value, events,
            rejected ?? (IReadOnlyList<DeadLetterRecord>)[], last.CommittableOffset, epoch);
    }
}
