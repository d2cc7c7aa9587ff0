using Akka.Event;
using Confluent.Kafka;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Supervision;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// Positions that are not in the log, on the loop's thread. librdkafka runs with <c>auto.offset.reset=error</c>, so
/// each one arrives here as <see cref="ErrorCode.Local_AutoOffsetReset"/> with the partition and the offending offset,
/// and the partition stops fetching until it is assigned again at a valid offset (a seek is refused in that state).
/// </summary>
internal sealed partial class ConsumerLoop<TKey, TValue>
{
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Partitions the stage asked to pause (kept so that a partition assigned again stays paused).</summary>
    private readonly HashSet<TopicPartition> _paused = [];

    private static bool IsOffsetReset(ConsumeException error) =>
        error.Error.Code == ErrorCode.Local_AutoOffsetReset && error.ConsumerRecord is not null;

    private void OnOffsetReset(ConsumeException error)
    {
        var consumer = _consumer!;
        var tp = error.ConsumerRecord!.TopicPartition;
        var from = error.ConsumerRecord.Offset.Value;
        if (!_assignments.ContainsKey(tp)) return; // revoked meanwhile: its next owner meets it

        if (from < 0)
        {
            // No committed offset: the group starts this partition where auto.offset.reset says.
            var start = _settings.InitialOffset;
            if (start == Offset.Unset)
                throw new KafkaConsumeFailedException($"{tp.Topic}[{tp.Partition.Value}]", error);
            _log.Info("Group {0} has no committed offset for {1}[{2}]; starting at {3}", _groupId, tp.Topic, tp.Partition.Value,
                start == Offset.Beginning ? "the log start" : "the log end");
            Reassign(consumer, tp, start);
            return;
        }

        var marks = consumer.QueryWatermarkOffsets(tp, WatermarkTimeout);
        var (low, high) = (marks.Low.Value, marks.High.Value);
        var cause = from < low ? OffsetResetCause.BelowLogStart : OffsetResetCause.BeyondLogEnd;
        if (_settings.OffsetOutOfRange == OffsetOutOfRange.Fail)
        {
            _log.Error("Group {0}: {1}[{2}] position {3} is not in the log ({4}..{5}) and offset-out-of-range = fail: the source stops",
                _groupId, tp.Topic, tp.Partition.Value, from, low, high);
            throw new KafkaConsumeFailedException($"{tp.Topic}[{tp.Partition.Value}]@{from}", error);
        }
        var to = _settings.OffsetOutOfRange == OffsetOutOfRange.Latest ? high : low;
        var reset = new OffsetReset(tp, from, to, low, high, cause);
        if (reset.Skipped > 0)
            _log.Error("Group {0}: records LOST to retention — {1}", _groupId, reset);
        else
            _log.Warning("Group {0}: {1}", _groupId, reset);
        if (cause == OffsetResetCause.BeyondLogEnd) Renew(tp);
        Reassign(consumer, tp, new Offset(to));
        try
        {
            _settings.OffsetResetListener?.Invoke(reset);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "The offset reset listener failed for {0}", reset);
        }
    }

    /// <summary>
    /// The partition's log is not the one this ownership read (it is shorter than our position: truncated, or the topic
    /// was deleted and created again): the ownership ends and a new one begins, as after a rebalance. The stage completes
    /// the partition's substream and starts a new one; nothing emitted under the old log is committed to the new one,
    /// and the new log's offsets, lower than what was emitted, are not taken for copies.
    /// </summary>
    private void Renew(TopicPartition tp)
    {
        var old = _assignments[tp];
        old.MarkRevoked();
        _listener.OnRevoked([old]);
        var renewed = new PartitionAssignment(tp, _groupId, this);
        _assignments[tp] = renewed;
        _listener.OnAssigned([renewed]);
    }

    /// <summary>Assigns the partition again at <paramref name="offset"/> (its fetch state after the error allows nothing else).</summary>
    private void Reassign(IConsumer<TKey, TValue> consumer, TopicPartition tp, Offset offset)
    {
        consumer.IncrementalUnassign([tp]);
        consumer.IncrementalAssign([new TopicPartitionOffset(tp, offset)]);
        if (_fetchingStopped || _paused.Contains(tp) || _boundPaused.Contains(tp)) consumer.Pause([tp]);
    }
}
