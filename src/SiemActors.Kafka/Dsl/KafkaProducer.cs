using Akka;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Stages;

namespace SiemActors.Kafka.Dsl;

/// <summary>Producer sinks and flows, named as in Akka.Streams.Kafka. Each materialization owns one producer.</summary>
public static class KafkaProducer
{
    /// <summary>Produces every record; the task completes when all are acknowledged, or fails with the first error.</summary>
    public static Sink<ProducerRecord<TKey, TValue>, Task<Done>> PlainSink<TKey, TValue>(ProducerSettings<TKey, TValue> settings) =>
        Flow.Create<ProducerRecord<TKey, TValue>>()
            .Select(r => ProducerMessage.Single(r, NotUsed.Instance))
            .Via(FlexiFlow<TKey, TValue, NotUsed>(settings))
            .ToMaterialized(Sink.Ignore<IResults<TKey, TValue, NotUsed>>(), Keep.Right);

    /// <summary>
    /// Produces each envelope's records and emits its result, with the pass-through, once all are acknowledged; results
    /// keep the envelopes' order, so a committable offset passed through can be committed after it.
    /// </summary>
    public static Flow<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>, NotUsed>
        FlexiFlow<TKey, TValue, TPassThrough>(ProducerSettings<TKey, TValue> settings) =>
        Flow.FromGraph(new ProducerStage<TKey, TValue, TPassThrough>(settings));

    /// <summary>
    /// <see cref="FlexiFlow{TKey,TValue,TPassThrough}"/> for streams with a context (a committable offset, say): each
    /// envelope's records are produced, and its result leaves with the envelope's context, in order.
    /// </summary>
    public static FlowWithContext<IEnvelope<TKey, TValue, NotUsed>, TContext, IResults<TKey, TValue, TContext>, TContext, NotUsed>
        FlowWithContext<TKey, TValue, TContext>(ProducerSettings<TKey, TValue> settings) =>
        Akka.Streams.Dsl.FlowWithContext.From(
            Flow.Create<(IEnvelope<TKey, TValue, NotUsed>, TContext)>()
                .Select(pair => ProducerMessage.Multi(pair.Item1.Records, pair.Item2))
                .Via(FlexiFlow<TKey, TValue, TContext>(settings))
                .Select(result => (result, result.PassThrough)));
}
