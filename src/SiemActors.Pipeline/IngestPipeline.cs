using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Prometheus;
using SiemActors.Domain.Events;
using SiemActors.Domain.Faults;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Pipeline.DeadLetters;
using SiemActors.Pipeline.Epochs;
using SiemActors.Pipeline.Gaps;
using SiemActors.Pipeline.Routing;

namespace SiemActors.Pipeline;

/// <summary>
/// The ingest graph. Per assigned partition, in order:
/// batch (size/interval, of the chunks the source hands over) → normalize (rejects to the DLQ) → route and extract
/// detection facts (<see cref="BatchPreparer"/>) → enrich (one Ask per host) and detect (one Ask per key that a
/// detection rule selects, persisted by the entity before it answers), both in rounds shared with the other partitions
/// (<see cref="RoundCoalescer{TRequest,TResult}"/>) → every sink in parallel, each with the events routed to it →
/// events a sink refused for their content to the DLQ → the batch's last offset to the committer. Partitions run in
/// parallel; within one, each sink takes the batches one at a time, in order — but the live view's feed (Redis,
/// <see cref="IEventSink.Early"/>) is written as soon as a batch is enriched, while the other sinks may still be writing
/// the batch before it (<see cref="OrderedLanes"/>), so the live view does not wait for ClickHouse's inserts. An offset is committed only after every sink and the DLQ acknowledged everything at or below it. A record
/// costs at most itself: a bug that meets one record dead-letters it as <c>internal-error</c> (counted, logged once per
/// minute with a sample); it never fails the batch, the partition or the node.
/// </summary>
public sealed class IngestPipeline(
    PipelineSettings settings,
    ConsumerSettings<byte[]?, byte[]?> consumer,
    CommitterSettings committer,
    HostEnricher enricher,
    DeadLetterPublisher deadLetters,
    Router router,
    IReadOnlyList<IEventSink> sinks,
    InternalErrors errors,
    PipelineState? state = null,
    Detector? detector = null,
    GapAlarm? gaps = null,
    LogEpochResolver? epochs = null)
{
    private readonly PipelineState _state = state ?? new PipelineState();

    private readonly BatchNormalizer _normalizer = new(new EventNormalizer(settings.Limits), settings.TopicFormats, errors);

    private readonly BatchPreparer _preparer = new(router, detector?.Extractor, errors);

    /// <summary>Starts consuming; stop with <see cref="DrainingControl{T}.DrainAndShutdown"/> to commit what is in flight.</summary>
    public DrainingControl<Done> Run(IMaterializer materializer, CancellationToken sinkCancellation = default) =>
        // Records reach each partition's substream in chunks (what the partition has buffered), not one by one.
        KafkaConsumer.CommittableChunkedPartitionedSource(ConsumerSettings(), Subscriptions.Topics(settings.EventsTopic), settings.BatchSize)
            .MergePartitions(settings.MaxPartitions, (tp, messages) => Partition(tp, messages, sinkCancellation))
            .ToMaterialized(Committer.Sink(committer), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(materializer);

    private ConsumerSettings<byte[]?, byte[]?> ConsumerSettings()
    {
        var configured = consumer.WithGroupId(settings.GroupId).WithOffsetOutOfRange(settings.OffsetOutOfRange);
        if (CrashPoints.Enabled) configured = configured.WithCommitListener(_ => CrashPoints.Reach(CrashPoint.DuringCommit));
        return gaps is null ? configured : configured.WithOffsetResetListener(reset => gaps.OnOffsetReset(reset, settings.OffsetOutOfRangeName));
    }

    private Source<ICommittable, NotUsed> Partition(TopicPartition tp, Source<IReadOnlyList<CommittableMessage<byte[]?, byte[]?>>, NotUsed> chunks,
        CancellationToken cancellation)
    {
        foreach (var sink in sinks) sink.OnPartitionAssigned(tp.Topic, tp.Partition.Value);
        _state.Assigned(tp.Topic, tp.Partition.Value);
        // The partition's calls (entity asks, sink writes, dead letters) retry for as long as a failure lasts, but not
        // for a partition this node no longer owns: once its records stop (revoked, lost, or the node stops), batches
        // in flight get the revoke timeout to finish, then every retry of theirs stops.
        var node = cancellation;
        var owned = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var revokeTimeout = consumer.WaitClosePartition;
        cancellation = owned.Token;
        chunks = chunks.WatchTermination((mat, done) =>
        {
            done.ContinueWith(_ =>
            {
                try
                {
                    owned.CancelAfter(revokeTimeout);
                }
                catch (ObjectDisposedException)
                {
                    // the substream has ended already
                }
            }, TaskScheduler.Default);
            return mat;
        });
        // Which log this is, decided once per ownership before its first batch is normalized (event ids and marks depend on it).
        var epoch = epochs?.ResolveAsync(tp.Topic, tp.Partition.Value, cancellation) ?? Task.FromResult(0);
        var lanes = new OrderedLanes(sinks.Count);
        return chunks
            .GroupedWeightedWithin(settings.BatchSize, settings.BatchInterval, chunk => chunk.Count)
            .SelectAsync(1, async grouped =>
            {
                var logEpoch = await epoch.ConfigureAwait(false);
                var batch = Flatten(grouped);
                PipelineMetrics.Consumed.Inc(batch.Count);
                PipelineMetrics.BatchSize.Observe(batch.Count);
                _state.Consumed(batch.Count);
                var prepared = _preparer.Prepare(_normalizer.Normalize(batch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), logEpoch));
                PipelineMetrics.Normalized.Inc(prepared.Batch.Events.Count);
                return prepared;
            })
            .SelectAsync(1, async prepared =>
            {
                using var timer = PipelineMetrics.EnrichSeconds.NewTimer();
                var batch = prepared.Batch;
                var dlq = deadLetters.PublishAsync(batch.Rejected, cancellation);
                var detected = detector?.SubmitAsync(prepared.Facts, cancellation) ?? Task.CompletedTask;
                var enriched = await enricher.EnrichAsync(batch.EntityPartition, batch.Events, cancellation).ConfigureAwait(false);
                var events = batch.Enriched(enriched);
                var routed = Route(events, prepared.Destinations);
                // The live view's feed (IEventSink.Early) is written at once — before detection's round has answered and
                // while the next stage may still be writing the batch before to the other sinks: one batch ahead of them
                // at most, in order on its lane. Nothing is committed before every sink, the DLQ and detection have it.
                var early = new Task<(string Sink, SinkWrite Write)>?[sinks.Count];
                for (var i = 0; i < sinks.Count; i++)
                {
                    if (!sinks[i].Early) continue;
                    var sink = sinks[i];
                    early[i] = lanes.Then(i, () => WriteAsync(sink, RoutedTo(sink, events, routed), cancellation));
                    // Observed here too: the stream may fail before the next stage awaits it.
                    _ = early[i]!.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                await dlq.ConfigureAwait(false);
                await detected.ConfigureAwait(false);
                return (batch.Commit, Events: events, Routed: routed, Early: early);
            })
            .SelectAsync(1, async item =>
            {
                // Every sink gets the batch's offsets even with no events in it, so its high-water mark moves on.
                var writes = await Task.WhenAll(sinks.Select((s, i) => item.Early[i] ?? WriteAsync(s, RoutedTo(s, item.Events, item.Routed), cancellation)))
                    .ConfigureAwait(false);
                await deadLetters.PublishAsync(Refused(writes), cancellation).ConfigureAwait(false);
                // A gap the consumer reported for this partition is stored before anything past it is committed.
                if (gaps is not null) await gaps.StoredAsync(tp.Topic, tp.Partition.Value).ConfigureAwait(false);
                Stored(item.Events);
                CrashPoints.Reach(CrashPoint.BeforeCommit);
                return (ICommittable)item.Commit;
            })
            // A batch stopped because its partition is no longer this node's ends the partition's substream quietly: its
            // offsets are not committed here, the new owner processes it again. Only that: any other failure fails the graph.
            .RecoverWithRetries(ex => ex is OperationCanceledException && owned.IsCancellationRequested && !node.IsCancellationRequested
                ? Source.Empty<ICommittable>()
                : null!, 1)
            .WatchTermination((mat, done) =>
            {
                done.ContinueWith(_ =>
                {
                    _state.Revoked(tp.Topic, tp.Partition.Value);
                    // The substream is gone (done, or torn down with the actor system): nothing may go on retrying for it.
                    // Cancel before disposing: a disposed linked source would no longer hear the node's token.
                    owned.Cancel();
                    owned.Dispose();
                }, TaskScheduler.Default);
                return mat;
            });
    }

    /// <summary>Events the sinks refused for their content, one dead letter per event (naming every sink that refused it).</summary>
    private static IReadOnlyList<DeadLetterRecord> Refused((string Sink, SinkWrite Write)[] writes)
    {
        if (writes.All(w => w.Write.Refused.Count == 0)) return [];
        return writes
            .SelectMany(w => w.Write.Refused.Select(r => (w.Sink, r.Event.Event, r.Error)))
            .GroupBy(r => r.Event.Origin.Offset)
            .Select(g =>
            {
                var e = g.First().Event;
                var detail = string.Join("; ", g.Select(r => $"{r.Sink}: {r.Error}"));
                return DeadLetterRecord.Of(e, new DeadLetter(DeadLetter.SinkRejected, detail) { Sink = string.Join(",", g.Select(r => r.Sink)) });
            })
            .ToList();
    }

    private static List<CommittableMessage<byte[]?, byte[]?>> Flatten(IEnumerable<IReadOnlyList<CommittableMessage<byte[]?, byte[]?>>> chunks)
    {
        var batch = new List<CommittableMessage<byte[]?, byte[]?>>();
        foreach (var chunk in chunks) batch.AddRange(chunk);
        return batch;
    }

    private static async Task<(string Sink, SinkWrite Write)> WriteAsync(IEventSink sink, EventBatch batch, CancellationToken cancellation)
    {
        using var timer = PipelineMetrics.SinkCallSeconds.WithLabels(sink.Name).NewTimer();
        SinkWrite write;
        try
        {
            write = await sink.WriteAsync(batch, cancellation).ConfigureAwait(false);
        }
        catch
        {
            PipelineMetrics.SinkErrors.WithLabels(sink.Name).Inc();
            throw;
        }
        PipelineMetrics.Stored.WithLabels(sink.Name).Inc(batch.Events.Count - write.Refused.Count);
        if (write.Refused.Count > 0) PipelineMetrics.SinkRefused.WithLabels(sink.Name).Inc(write.Refused.Count);
        return (sink.Name, write);
    }

    /// <summary>Every sink has the batch: its latency histograms, the committed count and the partition's state.</summary>
    private void Stored(EventBatch batch)
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

    /// <summary>The batch with only the events routed to <paramref name="sink"/> (none: still its offsets).</summary>
    private static EventBatch RoutedTo(IEventSink sink, EventBatch batch, Dictionary<string, List<EnrichedEvent>> routed) =>
        batch with { Events = routed.TryGetValue(sink.Name, out var events) ? events : [] };

    /// <summary>The batch's events per destination, from the destinations routing gave each (aligned with the events).</summary>
    private static Dictionary<string, List<EnrichedEvent>> Route(EventBatch batch, IReadOnlyList<IReadOnlyList<string>> destinations)
    {
        var routed = new Dictionary<string, List<EnrichedEvent>>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Events.Count; i++)
        {
            foreach (var destination in destinations[i])
            {
                if (!routed.TryGetValue(destination, out var list)) routed[destination] = list = new List<EnrichedEvent>(batch.Events.Count);
                list.Add(batch.Events[i]);
            }
        }
        return routed;
    }
}
