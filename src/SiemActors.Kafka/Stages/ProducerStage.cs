using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Supervision;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// Produces each envelope's records without blocking (delivery reports come back as async callbacks), keeps up to
/// <c>parallelism</c> envelopes in flight, and emits results in envelope order.
/// </summary>
internal sealed class ProducerStage<TKey, TValue, TPassThrough>
    : GraphStage<FlowShape<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>>>
{
    private readonly ProducerSettings<TKey, TValue> _settings;

    public ProducerStage(ProducerSettings<TKey, TValue> settings)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Shape = new FlowShape<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>>(
            new Inlet<IEnvelope<TKey, TValue, TPassThrough>>("kafka.producer.in"),
            new Outlet<IResults<TKey, TValue, TPassThrough>>("kafka.producer.out"));
    }

    public override FlowShape<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("kafka-producer");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly ProducerStage<TKey, TValue, TPassThrough> _stage;
        private readonly Queue<Slot> _inFlight = new();
        private IProducer<TKey, TValue>? _producer;
        private Action<Slot>? _onDelivered;
        private Action<Exception>? _onFailure;

        public Logic(ProducerStage<TKey, TValue, TPassThrough> stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Shape.Inlet, this);
            SetHandler(stage.Shape.Outlet, this);
        }

        public override void PreStart()
        {
            _onDelivered = GetAsyncCallback<Slot>(OnDelivered);
            _onFailure = GetAsyncCallback<Exception>(FailStage);
            _producer = _stage._settings.CreateKafkaProducer((_, error) =>
            {
                if (error.IsFatal) _onFailure(new KafkaException(error));
            });
            Pull(_stage.Shape.Inlet);
        }

        /// <summary>
        /// The stage stops (completed, failed or cancelled): what librdkafka still holds is flushed for up to
        /// <c>close-timeout</c> before the client goes, so records handed over before the stop are delivered rather
        /// than dropped. The flush blocks, so it runs on a pool thread, never on the stage's. Its records' results are
        /// not emitted (the stage is gone): a pass-through offset is not committed, so a consumer reading it
        /// processes them again, and they are at least once as before.
        /// </summary>
        public override void PostStop()
        {
            if (_producer is not { } producer) return;
            var closeTimeout = _stage._settings.CloseTimeout;
            var log = Log;
            _ = Task.Run(() =>
            {
                try
                {
                    var left = producer.Flush(closeTimeout);
                    if (left > 0) log.Warning("Kafka producer stopped with {0} record(s) undelivered after close-timeout {1}", left, closeTimeout);
                }
                catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
                {
                    log.Warning("Kafka producer could not flush on stop: {0}", ex.Message);
                }
                finally
                {
                    producer.Dispose();
                }
            });
        }

        public override void OnPush()
        {
            var envelope = Grab(_stage.Shape.Inlet);
            var slot = new Slot(envelope, _onDelivered!);
            _inFlight.Enqueue(slot);
            if (envelope.Records.Count == 0) slot.MarkEmpty();
            for (var i = 0; i < envelope.Records.Count; i++)
            {
                var record = envelope.Records[i];
                var index = i;
                if (record.Partition is { } partition)
                    _producer!.Produce(new TopicPartition(record.Topic, partition), record.Message, report => slot.Delivered(index, report));
                else
                    _producer!.Produce(record.Topic, record.Message, report => slot.Delivered(index, report));
            }
            if (_inFlight.Count < _stage._settings.Parallelism) Pull(_stage.Shape.Inlet);
        }

        public override void OnPull() => EmitCompleted();

        public override void OnUpstreamFinish()
        {
            if (_inFlight.Count == 0) CompleteStage();
        }

        private void OnDelivered(Slot slot)
        {
            if (slot.Failure is { } failure)
            {
                FailStage(new KafkaProduceFailedException(failure.Topic, failure.Error));
                return;
            }
            EmitCompleted();
        }

        private void EmitCompleted()
        {
            var inlet = _stage.Shape.Inlet;
            while (_inFlight.TryPeek(out var head) && head.IsDone && IsAvailable(_stage.Shape.Outlet))
            {
                _inFlight.Dequeue();
                Push(_stage.Shape.Outlet, new Results<TKey, TValue, TPassThrough>(head.Deliveries, head.Envelope.PassThrough));
            }
            if (IsClosed(inlet))
            {
                if (_inFlight.Count == 0) CompleteStage();
            }
            else if (!HasBeenPulled(inlet) && _inFlight.Count < _stage._settings.Parallelism)
            {
                Pull(inlet);
            }
        }
    }

    /// <summary>One envelope in flight; completed by delivery reports from librdkafka's thread.</summary>
    private sealed class Slot(IEnvelope<TKey, TValue, TPassThrough> envelope, Action<Slot> onDone)
    {
        private readonly DeliveryResult<TKey, TValue>[] _deliveries = new DeliveryResult<TKey, TValue>[envelope.Records.Count];
        private int _pending = envelope.Records.Count;
        private volatile bool _done;

        public IEnvelope<TKey, TValue, TPassThrough> Envelope { get; } = envelope;

        public IReadOnlyList<DeliveryResult<TKey, TValue>> Deliveries => _deliveries;

        public bool IsDone => _done;

        public DeliveryReport<TKey, TValue>? Failure { get; private set; }

        public void MarkEmpty() => _done = true;

        public void Delivered(int index, DeliveryReport<TKey, TValue> report)
        {
            _deliveries[index] = report;
            if (report.Error.IsError) Failure ??= report;
            if (Interlocked.Decrement(ref _pending) != 0) return;
            _done = true;
            onDone(this);
        }
    }
}
