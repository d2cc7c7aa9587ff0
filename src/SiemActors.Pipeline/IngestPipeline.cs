using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Pipeline.Routing;

namespace SiemActors.Pipeline;

/// <summary>
/// The ingest graph. Per assigned partition, in order:
/// batch (size/interval) → normalize (rejects to the DLQ) → enrich (one Ask per host) → route → every sink in
/// parallel, each with the events routed to it → the batch's last offset to the committer. Partitions run in
/// parallel. An offset is committed only after every sink and the DLQ acknowledged everything at or below it.
/// </summary>
public sealed class IngestPipeline(
    PipelineSettings settings,
    ConsumerSettings<byte[]?, byte[]?> consumer,
    CommitterSettings committer,
    HostEnricher enricher,
    DeadLetterPublisher deadLetters,
    Router router,
    IReadOnlyList<IEventSink> sinks)
{
    private readonly BatchNormalizer _normalizer = new(new EventNormalizer(settings.Limits), settings.TopicFormats);

    /// <summary>Starts consuming; stop with <see cref="DrainingControl{T}.DrainAndShutdown"/> to commit what is in flight.</summary>
    public DrainingControl<Done> Run(IMaterializer materializer, CancellationToken sinkCancellation = default) =>
        KafkaConsumer.CommittablePartitionedSource(consumer.WithGroupId(settings.GroupId), Subscriptions.Topics(settings.EventsTopic))
            .MergePartitions(settings.MaxPartitions, (tp, messages) => Partition(tp, messages, sinkCancellation))
            .ToMaterialized(Committer.Sink(committer), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(materializer);

    private Source<ICommittable, NotUsed> Partition(TopicPartition tp, Source<CommittableMessage<byte[]?, byte[]?>, NotUsed> messages,
        CancellationToken cancellation)
    {
        foreach (var sink in sinks) sink.OnPartitionAssigned(tp.Topic, tp.Partition.Value);
        return messages
            .GroupedWithin(settings.BatchSize, settings.BatchInterval)
            .Select(batch => _normalizer.Normalize(batch.ToList(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            .SelectAsync(1, async batch =>
            {
                var dlq = deadLetters.PublishAsync(batch.Rejected);
                var enriched = await enricher.EnrichAsync(batch.Partition, batch.Events).ConfigureAwait(false);
                await dlq.ConfigureAwait(false);
                return (batch.Commit, Events: batch.Enriched(enriched));
            })
            .SelectAsync(1, async item =>
            {
                var routed = Route(item.Events);
                // Every sink gets the batch's offsets even with no events in it, so its high-water mark moves on.
                await Task.WhenAll(sinks.Select(s => s.WriteAsync(
                    item.Events with { Events = routed.TryGetValue(s.Name, out var events) ? events : [] }, cancellation))).ConfigureAwait(false);
                return (ICommittable)item.Commit;
            });
    }

    private Dictionary<string, List<Domain.Events.EnrichedEvent>> Route(Domain.Events.EventBatch batch)
    {
        var routed = new Dictionary<string, List<Domain.Events.EnrichedEvent>>(StringComparer.Ordinal);
        foreach (var e in batch.Events)
        {
            foreach (var destination in router.Route(e.Event))
            {
                if (!routed.TryGetValue(destination, out var list)) routed[destination] = list = new List<Domain.Events.EnrichedEvent>(batch.Events.Count);
                list.Add(e);
            }
        }
        return routed;
    }
}
