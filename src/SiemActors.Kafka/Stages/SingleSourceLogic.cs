using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using SiemActors.Kafka.Settings;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// One outlet for all assigned partitions, in consume order. Fetching pauses while more than
/// <c>buffer-size</c> messages wait for demand and resumes at half.
/// </summary>
internal sealed class SingleSourceLogic<TKey, TValue, TMessage> : ConsumerStageLogic<TKey, TValue>, IOutHandler
{
    private readonly Outlet<TMessage> _out;
    private readonly Func<ConsumeResult<TKey, TValue>, PartitionAssignment, TMessage> _toMessage;
    private readonly Dictionary<TopicPartition, PartitionAssignment> _owned = new();
    private readonly Queue<(ConsumeResult<TKey, TValue> Record, PartitionAssignment Assignment)> _buffer = new();
    private bool _paused;

    public SingleSourceLogic(SourceShape<TMessage> shape, ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
        Attributes attributes, Func<ConsumeResult<TKey, TValue>, PartitionAssignment, TMessage> toMessage)
        : base(shape, settings, subscription, attributes)
    {
        _out = shape.Outlet;
        _toMessage = toMessage;
        SetHandler(_out, this);
    }

    public void OnPull() => TryPush();

    public void OnDownstreamFinish(Exception cause) => CompleteStage();

    protected override void HandleAssigned(IReadOnlyList<PartitionAssignment> assigned)
    {
        foreach (var a in assigned) _owned[a.TopicPartition] = a;
        if (_paused) Loop.SetFetching(assigned.Select(a => a.TopicPartition).ToList(), paused: true);
    }

    protected override void HandleRevoked(IReadOnlyList<PartitionAssignment> revoked)
    {
        foreach (var a in revoked)
        {
            if (_owned.TryGetValue(a.TopicPartition, out var current) && ReferenceEquals(current, a)) _owned.Remove(a.TopicPartition);
        }
        // Their buffered messages are skipped when they reach the head: IsRevoked is already set.
    }

    protected override void HandleMessages(List<ConsumeResult<TKey, TValue>> batch)
    {
        foreach (var record in batch)
        {
            if (_owned.TryGetValue(record.TopicPartition, out var a) && !a.IsRevoked) _buffer.Enqueue((record, a));
        }
        if (!_paused && _buffer.Count > Settings.BufferSize)
        {
            _paused = true;
            Loop.SetFetching(null, paused: true);
        }
        TryPush();
    }

    protected override void HandleStop()
    {
        _buffer.Clear();
        Complete(_out);
    }

    private void TryPush()
    {
        while (IsAvailable(_out) && _buffer.TryDequeue(out var next))
        {
            if (next.Assignment.IsRevoked) continue;
            next.Assignment.MarkEmitted(next.Record.Offset.Value);
            Push(_out, _toMessage(next.Record, next.Assignment));
        }
        if (_paused && _buffer.Count <= Settings.BufferSize / 2)
        {
            _paused = false;
            Loop.SetFetching(null, paused: false);
        }
    }
}
