using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Settings;

namespace SiemActors.Kafka.Stages;

/// <summary>The graph stage behind PlainSource and CommittableSource.</summary>
internal sealed class SingleSourceStage<TKey, TValue, TMessage> : GraphStageWithMaterializedValue<SourceShape<TMessage>, IControl>
{
    private readonly ConsumerSettings<TKey, TValue> _settings;
    private readonly ISubscription _subscription;
    private readonly Func<ConsumeResult<TKey, TValue>, PartitionAssignment, TMessage> _toMessage;

    public SingleSourceStage(ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
        Func<ConsumeResult<TKey, TValue>, PartitionAssignment, TMessage> toMessage)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _subscription = subscription ?? throw new ArgumentNullException(nameof(subscription));
        _toMessage = toMessage;
        Shape = new SourceShape<TMessage>(new Outlet<TMessage>("kafka.consumer.out"));
    }

    public override SourceShape<TMessage> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("kafka-source");

    public override ILogicAndMaterializedValue<IControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var logic = new SingleSourceLogic<TKey, TValue, TMessage>(Shape, _settings, _subscription, inheritedAttributes, _toMessage);
        return new LogicAndMaterializedValue<IControl>(logic, logic);
    }
}

/// <summary>
/// The graph stage behind CommittablePartitionedSource (an element per record) and CommittableChunkedPartitionedSource
/// (an element per chunk of up to <c>maxRecords</c> records).
/// </summary>
internal sealed class PartitionedSourceStage<TKey, TValue, TMessage>
    : GraphStageWithMaterializedValue<SourceShape<(TopicPartition, Source<TMessage, NotUsed>)>, IControl>
{
    private readonly ConsumerSettings<TKey, TValue> _settings;
    private readonly ISubscription _subscription;
    private readonly int _maxRecords;
    private readonly Func<List<ConsumeResult<TKey, TValue>>, PartitionAssignment, TMessage> _toElement;
    private readonly PartitionHooks? _hooks;

    public PartitionedSourceStage(ConsumerSettings<TKey, TValue> settings, ISubscription subscription, int maxRecords,
        Func<List<ConsumeResult<TKey, TValue>>, PartitionAssignment, TMessage> toElement, PartitionHooks? hooks = null)
    {
        _hooks = hooks;
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _subscription = subscription ?? throw new ArgumentNullException(nameof(subscription));
        if (maxRecords < 1) throw new ArgumentOutOfRangeException(nameof(maxRecords), maxRecords, "at least one record per element");
        _maxRecords = maxRecords;
        _toElement = toElement;
        Shape = new SourceShape<(TopicPartition, Source<TMessage, NotUsed>)>(
            new Outlet<(TopicPartition, Source<TMessage, NotUsed>)>("kafka.partitioned.out"));
    }

    public override SourceShape<(TopicPartition, Source<TMessage, NotUsed>)> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("kafka-partitioned-source");

    public override ILogicAndMaterializedValue<IControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var logic = new PartitionedSourceLogic<TKey, TValue, TMessage>(Shape, _settings, _subscription, inheritedAttributes, _maxRecords, _toElement, _hooks);
        return new LogicAndMaterializedValue<IControl>(logic, logic);
    }
}
