using Akka;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;

namespace SiemActors.Kafka.Dsl;

/// <summary>Batches offsets and commits the highest offset + 1 per partition, as in Akka.Streams.Kafka.</summary>
public static class Committer
{
    /// <summary>
    /// Emits <see cref="Done"/> for each committed batch. A batch closes at <c>max-batch</c> offsets or after
    /// <c>max-interval</c>, whichever comes first; commits run in order on the consumer's thread.
    /// </summary>
    public static Flow<ICommittable, Done, NotUsed> Flow(CommitterSettings settings) =>
        Akka.Streams.Dsl.Flow.Create<ICommittable>()
            .GroupedWithin(settings.MaxBatch, settings.MaxInterval)
            .Select(Fold)
            .SelectAsync(settings.Parallelism, async batch =>
            {
                await batch.Commit().ConfigureAwait(false);
                return Done.Instance;
            })
            .Named("kafka-committer");

    /// <summary>Commits everything that reaches it; the task completes when the last batch is committed.</summary>
    public static Sink<ICommittable, Task<Done>> Sink(CommitterSettings settings) =>
        Flow(settings).ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<Done>(), Keep.Right);

    /// <summary>
    /// For a stream with the offsets as context (<see cref="KafkaConsumer.SourceWithOffsetContext{TKey,TValue}"/>):
    /// commits each element's offset, batched as <see cref="Sink"/> does, ignoring the element.
    /// </summary>
    public static Sink<(T Element, ICommittableOffset Offset), Task<Done>> SinkWithOffsetContext<T>(CommitterSettings settings) =>
        Akka.Streams.Dsl.Flow.Create<(T Element, ICommittableOffset Offset)>()
            .Select(pair => (ICommittable)pair.Offset)
            .ToMaterialized(Sink(settings), Keep.Right);

    /// <summary>The same as a flow: emits <see cref="Done"/> per committed batch.</summary>
    public static Flow<(T Element, ICommittableOffset Offset), Done, NotUsed> FlowWithOffsetContext<T>(CommitterSettings settings) =>
        Akka.Streams.Dsl.Flow.Create<(T Element, ICommittableOffset Offset)>()
            .Select(pair => (ICommittable)pair.Offset)
            .Via(Flow(settings));

    private static CommittableOffsetBatch Fold(IEnumerable<ICommittable> group)
    {
        var batch = CommittableOffsetBatch.Empty;
        foreach (var c in group) batch.Updated(c);
        return batch;
    }
}
