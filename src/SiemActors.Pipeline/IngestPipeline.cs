using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Prometheus;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Pipeline.Routing;

namespace SiemActors.Pipeline;

/// <summary>
/// The ingest graph. Per assigned partition, in order:
/// batch (size/interval, of the chunks the source hands over) → normalize (rejects to the DLQ) → enrich (one Ask per
/// host) and detect (one Ask per key that a detection rule selects, persisted by the entity before it answers), both
/// in rounds shared with the other partitions (<see cref="RoundCoalescer{TRequest,TResult}"/>) → route → every sink in
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
    IReadOnlyList<IEventSink> sinks,
    PipelineState? state = null,
    Detector? detector = null)
{
    private readonly PipelineState _state = state ?? new PipelineState();

    private readonly BatchNormalizer _normalizer = new(new EventNormalizer(settings.Limits), settings.TopicFormats);

    /// <summary>Starts consuming; stop with <see cref="DrainingControl{T}.DrainAndShutdown"/> to commit what is in flight.</summary>
    public DrainingControl<Done> Run(IMaterializer materializer, CancellationToken sinkCancellation = default) =>
        // Records reach each partition's substream in chunks (what the partition has buffered), not one by one.
        KafkaConsumer.CommittableChunkedPartitionedSource(consumer.WithGroupId(settings.GroupId), Subscriptions.Topics(settings.EventsTopic),
                settings.BatchSize)
            .MergePartitions(settings.MaxPartitions, (tp, messages) => Partition(tp, messages, sinkCancellation))
            .ToMaterialized(Committer.Sink(committer), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(materializer);

    private Source<ICommittable, NotUsed> Partition(TopicPartition tp, Source<IReadOnlyList<CommittableMessage<byte[]?, byte[]?>>, NotUsed> chunks,
        CancellationToken cancellation)
    {
        foreach (var sink in sinks) sink.OnPartitionAssigned(tp.Topic, tp.Partition.Value);
        _state.Assigned(tp.Topic, tp.Partition.Value);
        return chunks
            .GroupedWeightedWithin(settings.BatchSize, settings.BatchInterval, chunk => chunk.Count)
            .Select(grouped =>
            {
                var batch = Flatten(grouped);
                PipelineMetrics.Consumed.Inc(batch.Count);
                PipelineMetrics.BatchSize.Observe(batch.Count);
                _state.Consumed(batch.Count);
                var normalized = _normalizer.Normalize(batch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                PipelineMetrics.Normalized.Inc(normalized.Events.Count);
                foreach (var r in normalized.Rejected) PipelineMetrics.DeadLettered.WithLabels(r.Reason.Reason).Inc();
                return normalized;
            })
            .SelectAsync(1, async batch =>
            {
                using var timer = PipelineMetrics.EnrichSeconds.NewTimer();
                var dlq = deadLetters.PublishAsync(batch.Rejected);
                var detected = detector?.DetectAsync(batch.Partition, batch.Events) ?? Task.CompletedTask;
                var enriched = await enricher.EnrichAsync(batch.Partition, batch.Events).ConfigureAwait(false);
                await dlq.ConfigureAwait(false);
                await detected.ConfigureAwait(false);
                return (batch.Commit, Events: batch.Enriched(enriched));
            })
            .SelectAsync(1, async item =>
            {
                var routed = Route(item.Events);
                // Every sink gets the batch's offsets even with no events in it, so its high-water mark moves on.
                await Task.WhenAll(sinks.Select(s => WriteAsync(s, item.Events with { Events = routed.TryGetValue(s.Name, out var events) ? events : [] },
                    cancellation))).ConfigureAwait(false);
                Stored(item.Events);
                return (ICommittable)item.Commit;
            })
            .WatchTermination((mat, done) =>
            {
                done.ContinueWith(_ => _state.Revoked(tp.Topic, tp.Partition.Value), TaskScheduler.Default);
                return mat;
            });
    }

    private static List<CommittableMessage<byte[]?, byte[]?>> Flatten(IEnumerable<IReadOnlyList<CommittableMessage<byte[]?, byte[]?>>> chunks)
    {
        var batch = new List<CommittableMessage<byte[]?, byte[]?>>();
        foreach (var chunk in chunks) batch.AddRange(chunk);
        return batch;
    }

    private static async Task WriteAsync(IEventSink sink, Domain.Events.EventBatch batch, CancellationToken cancellation)
    {
        using var timer = PipelineMetrics.SinkCallSeconds.WithLabels(sink.Name).NewTimer();
        try
        {
            await sink.WriteAsync(batch, cancellation).ConfigureAwait(false);
        }
        catch
        {
            PipelineMetrics.SinkErrors.WithLabels(sink.Name).Inc();
            throw;
        }
        PipelineMetrics.Stored.WithLabels(sink.Name).Inc(batch.Events.Count);
    }

    /// <summary>Every sink has the batch: its latency histograms, the committed count and the partition's state.</summary>
    private void Stored(Domain.Events.EventBatch batch)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sinceEvent = PipelineMetrics.EndToEndSeconds.WithLabels("event_time");
        var sinceIngest = PipelineMetrics.EndToEndSeconds.WithLabels("ingest");
        foreach (var e in batch.Events)
        {
            sinceEvent.Observe(Math.Max(0, now - e.Event.Timestamp) / 1000.0);
            sinceIngest.Observe(Math.Max(0, now - e.Event.IngestedAt) / 1000.0);
        }
        var records = (int)(batch.LastOffset - batch.FirstOffset + 1);
        PipelineMetrics.Committed.Inc(records);
        _state.Committed(batch.Topic, batch.Partition, batch.LastOffset, records);
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
