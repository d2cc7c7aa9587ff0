using Akka;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Confluent.Kafka;
using SiemActors.Kafka.Settings;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// Emits a (partition, substream) pair per assigned partition; the substream completes when the partition is revoked.
/// Each partition holds at most <c>partition-buffer-size</c> records and <c>partition-buffer-bytes</c> that its
/// substream has not taken (<see cref="FetchBudget"/>: the loop pauses only that partition at the bound).
/// An element of a substream is made of up to <c>maxRecords</c> buffered records (one, or a chunk of what is
/// buffered when the substream pulls: one hand-over to the substream per chunk instead of per record).
/// </summary>
internal sealed class PartitionedSourceLogic<TKey, TValue, TMessage> : ConsumerStageLogic<TKey, TValue>, IOutHandler
{
    private readonly Outlet<(TopicPartition, Source<TMessage, NotUsed>)> _out;
    private readonly int _maxRecords;
    private readonly Func<List<ConsumeResult<TKey, TValue>>, PartitionAssignment, TMessage> _toElement;
    private readonly List<ConsumeResult<TKey, TValue>> _taken = [];
    private readonly Dictionary<TopicPartition, PartitionOutlet> _partitions = new();
    private readonly Queue<PartitionOutlet> _unannounced = new();

    public PartitionedSourceLogic(SourceShape<(TopicPartition, Source<TMessage, NotUsed>)> shape,
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription, Attributes attributes,
        int maxRecords, Func<List<ConsumeResult<TKey, TValue>>, PartitionAssignment, TMessage> toElement, PartitionHooks? hooks = null)
        : base(shape, settings, subscription, attributes, FetchBudget.ForEachPartition(settings.PartitionBufferSize, settings.PartitionBufferBytes), hooks)
    {
        _out = shape.Outlet;
        _maxRecords = maxRecords;
        _toElement = toElement;
        SetHandler(_out, this);
    }

    public void OnPull() => Announce();

    public void OnDownstreamFinish(Exception cause)
    {
        CancelledNormally = IsNormal(cause);
        foreach (var p in _partitions.Values) p.Close();
        _partitions.Clear();
        CompleteStage();
    }

    protected override void HandleAssigned(IReadOnlyList<PartitionAssignment> assigned)
    {
        foreach (var a in assigned)
        {
            if (_partitions.Remove(a.TopicPartition, out var previous)) previous.Close();
            var partition = new PartitionOutlet(this, a);
            _partitions[a.TopicPartition] = partition;
            _unannounced.Enqueue(partition);
        }
        Announce();
    }

    protected override void HandleRevoked(IReadOnlyList<PartitionAssignment> revoked)
    {
        foreach (var a in revoked)
        {
            if (_partitions.TryGetValue(a.TopicPartition, out var p) && ReferenceEquals(p.Assignment, a))
            {
                _partitions.Remove(a.TopicPartition);
                p.Close();
            }
        }
    }

    protected override void HandleMessages(List<ConsumeResult<TKey, TValue>> batch)
    {
        foreach (var record in batch)
        {
            if (_partitions.TryGetValue(record.TopicPartition, out var p)) p.Buffer.Enqueue(record);
            else Budget.Release(null, 1, FetchBudget.SizeOf(record)); // its ownership ended (or its substream was cancelled)
        }
        foreach (var p in _partitions.Values)
        {
            if (p.Buffer.Count > 0) p.TryPush();
        }
    }

    protected override void HandleStop()
    {
        foreach (var p in _partitions.Values) p.Close();
        _partitions.Clear();
        _unannounced.Clear();
        Complete(_out);
    }

    private void Announce()
    {
        while (IsAvailable(_out) && _unannounced.TryDequeue(out var p))
        {
            if (p.Closed) continue;
            Push(_out, (p.Assignment.TopicPartition, Source.FromGraph(p.Outlet.Source)));
        }
    }

    /// <summary>One partition's substream and buffer.</summary>
    private sealed class PartitionOutlet : IOutHandler
    {
        private readonly PartitionedSourceLogic<TKey, TValue, TMessage> _logic;

        public PartitionOutlet(PartitionedSourceLogic<TKey, TValue, TMessage> logic, PartitionAssignment assignment)
        {
            _logic = logic;
            Assignment = assignment;
            Outlet = new SubSourceOutlet<TMessage>(logic, $"partition-{assignment.TopicPartition.Partition.Value}");
            Outlet.SetHandler(this);
        }

        public PartitionAssignment Assignment { get; }

        public SubSourceOutlet<TMessage> Outlet { get; }

        public Queue<ConsumeResult<TKey, TValue>> Buffer { get; } = new();

        public bool Closed => Outlet.IsClosed;

        public void OnPull() => TryPush();

        /// <summary>
        /// Downstream cancelled this partition's substream: stop fetching it until the next assignment. Nothing
        /// more of it is emitted, so nothing more of it is committed by this consumer.
        /// </summary>
        public void OnDownstreamFinish(Exception cause)
        {
            DropBuffer();
            Assignment.MarkRevoked();
            _logic.Loop.SetFetching([Assignment.TopicPartition], paused: true);
            if (_logic._partitions.TryGetValue(Assignment.TopicPartition, out var p) && ReferenceEquals(p, this))
                _logic._partitions.Remove(Assignment.TopicPartition);
        }

        /// <summary>The substream ends (revoked, reassigned, stopped): what it never took is dropped.</summary>
        public void Close()
        {
            DropBuffer();
            Outlet.Complete();
        }

        private void DropBuffer()
        {
            while (Buffer.TryDequeue(out var dropped)) _logic.Budget.Release(Assignment, 1, FetchBudget.SizeOf(dropped));
        }

        public void TryPush()
        {
            if (!Outlet.IsAvailable || Assignment.IsRevoked) return;
            var taken = _logic._taken;
            taken.Clear();
            long bytes = 0;
            while (taken.Count < _logic._maxRecords && TryDequeueNext(out var record))
            {
                Assignment.MarkEmitted(record.Offset.Value);
                taken.Add(record);
                bytes += FetchBudget.SizeOf(record);
            }
            if (taken.Count == 0) return;
            _logic.Budget.Release(Assignment, taken.Count, bytes);
            Outlet.Push(_logic._toElement(taken, Assignment));
        }

        /// <summary>
        /// The next record after what this ownership emitted. A record at an offset already emitted is a second copy
        /// (the consumer never moves back within one ownership): emitting it would write and commit it twice.
        /// </summary>
        private bool TryDequeueNext(out ConsumeResult<TKey, TValue> record)
        {
            var next = Assignment.EmittedNext;
            var skipped = 0;
            var found = false;
            while (Buffer.TryDequeue(out record!))
            {
                if (record.Offset.Value >= next)
                {
                    found = true;
                    break;
                }
                _logic.Budget.Release(Assignment, 1, FetchBudget.SizeOf(record));
                skipped++;
            }
            if (skipped > 0)
                _logic.Log.Warning("Partition {0}: {1} record(s) at offsets already emitted (up to {2}) arrived again; not emitted twice",
                    Assignment, skipped, next - 1);
            return found;
        }
    }
}
