using Akka.Event;
using Confluent.Kafka;
using SiemActors.Domain.Events;
using SiemActors.Domain.Faults;
using SiemActors.Domain.Serialization;
using SiemActors.Resilience;
using Polly;

namespace SiemActors.Pipeline;

/// <summary>
/// The Kafka output (<c>kafka</c> destination): normalized events as JSON to <c>siem.kafka.topics.processed.name</c>,
/// keyed by host, through an idempotent producer with lz4. A batch completes when the broker acknowledged every event,
/// so the commit waits for it like for the other sinks. Across a crash, a replayed batch is produced again: the output
/// is at least once (transactions cannot be verified on the mock broker; see docs/delivery.md). An event too large for
/// the topic, or whose JSON cannot be written, is refused (and dead-lettered by the pipeline); any other failure is
/// retried with backoff (<c>siem.pipeline.output-retry-*</c>) for as long as it lasts.
/// </summary>
public sealed class KafkaEventSink(IProducer<string, byte[]> producer, string topic, RetrySettings retrySettings, ILoggingAdapter log) : IEventSink
{
    /// <summary>Failures that pass: not a fatal producer error, nor one about the event itself (its size).</summary>
    private readonly ResiliencePipeline _retries = Retries.Forever("kafka-output", retrySettings,
        ex => ex is ProduceException<string, byte[]> { Error: { IsFatal: false, Code: not (ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge) } },
        retry => log.Error("Kafka output to {0} failed for {1} (attempt {2}): {3}; retrying in {4}", topic, retry.What, retry.Attempt, retry.Failure.Message,
            retry.Wait));

    public const string DestinationName = "kafka";

    public string Name => DestinationName;

    public async Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken cancellation)
    {
        if (batch.Events.Count == 0) return SinkWrite.All(0);
        var sends = new Task<string?>[batch.Events.Count];
        for (var i = 0; i < sends.Length; i++) sends[i] = SendAsync(batch.Events[i], cancellation);
        var errors = await Task.WhenAll(sends).ConfigureAwait(false);
        CrashPoints.Reach(CrashPoint.KafkaOutputAfterProduce);
        List<RefusedEvent>? refused = null;
        for (var i = 0; i < errors.Length; i++)
        {
            if (errors[i] is { } error) (refused ??= []).Add(new RefusedEvent(batch.Events[i], error));
        }
        return new SinkWrite(errors.Length - (refused?.Count ?? 0), refused ?? (IReadOnlyList<RefusedEvent>)[]);
    }

    /// <summary>Null once the broker has the event; the reason when the event itself cannot be sent.</summary>
    private async Task<string?> SendAsync(EnrichedEvent e, CancellationToken cancellation)
    {
        byte[] json;
        try
        {
            json = EventJson.ToUtf8(e);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"the event's JSON could not be written: {ex.GetType().Name}: {ex.Message}";
        }
        try
        {
            await _retries.ExecuteAsync(e.Event.Origin, async ct =>
            {
                await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = e.Event.Host, Value = json }, ct).ConfigureAwait(false);
                return true;
            }, cancellation).ConfigureAwait(false);
            return null;
        }
        catch (ProduceException<string, byte[]> ex) when (ex.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge)
        {
            return $"{topic} does not take it: {ex.Error.Reason} ({json.Length} bytes of JSON)";
        }
    }

    public void OnPartitionAssigned(string topic, int partition)
    {
    }

    /// <summary>The output keeps no marks (it is at least once): it never says a log is new.</summary>
    public Task<long> HighWaterMarkAsync(string markTopic, int partition) => Task.FromResult(-1L);
}
