using System.Collections.Concurrent;
using Akka.Event;
using Confluent.Kafka;
using Polly;
using SiemActors.Domain.Faults;
using SiemActors.Resilience;

namespace SiemActors.Pipeline.DeadLetters;

/// <summary>
/// Sends records to the dead-letter topic (<see cref="DeadLetterCopy"/>: the record with why and where from in headers,
/// truncated with its size and hash when it would not fit). A batch's commit waits until the broker acknowledged all
/// of its dead letters. Nothing here gives up on a record: a copy the producer or broker finds too large is cut
/// further, and any other failure (broker down, topic missing, not authorized) is retried (<see cref="Retries.Forever"/>:
/// backoff with jitter, <c>siem_retries_total{target="dead-letter"}</c>) for as long as it lasts or until the partition is revoked — the partition waits, the error is logged and counted — so a dead letter is never lost and never stops
/// the node. Only a fatal producer error (its idempotence state is gone) fails the pipeline.
/// </summary>
public sealed class DeadLetterPublisher : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private readonly LogDigest _digest;
    private readonly ResiliencePipeline _retries;
    private int _maxBytes;

    /// <param name="producer">An idempotent producer.</param>
    /// <param name="topic">The dead-letter topic.</param>
    /// <param name="settings"><c>siem.dead-letter</c>.</param>
    /// <param name="maxBytes">The largest copy to send (key + value + headers): <see cref="DeadLetterLimit"/>.</param>
    /// <param name="log">Where failures and the per-minute digest of dead letters go.</param>
    public DeadLetterPublisher(IProducer<byte[]?, byte[]?> producer, string topic, DeadLetterSettings settings, int maxBytes, ILoggingAdapter log)
    {
        _producer = producer;
        _topic = topic;
        _maxBytes = maxBytes;
        _log = log;
        _retries = Retries.Forever("dead-letter", new RetrySettings(settings.RetryMinBackoff, settings.RetryMaxBackoff), IsTransient, LogRetry);
        _digest = new LogDigest(log, Akka.Event.LogLevel.WarningLevel, "record(s) dead-lettered", settings.LogInterval);
    }

    /// <summary>Dead letters sent, per reason, since start.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>The largest copy sent whole; larger ones are truncated.</summary>
    public int MaxBytes => Volatile.Read(ref _maxBytes);

    public async Task PublishAsync(IReadOnlyList<DeadLetterRecord> records, CancellationToken cancellation = default)
    {
        if (records.Count == 0) return;
        var sends = new Task[records.Count];
        for (var i = 0; i < records.Count; i++) sends[i] = SendAsync(records[i], cancellation);
        await Task.WhenAll(sends).ConfigureAwait(false);
        CrashPoints.Reach(CrashPoint.DeadLetterAfterProduce);
        foreach (var r in records)
        {
            _counts.AddOrUpdate(r.Reason.Reason, 1, (_, n) => n + 1);
            PipelineMetrics.DeadLettered.WithLabels(r.Reason.Reason).Inc();
            _digest.Add(r.Reason.Reason, r.ToString());
        }
    }

    private async Task SendAsync(DeadLetterRecord record, CancellationToken cancellation)
    {
        var limit = MaxBytes;
        while (true)
        {
            var message = DeadLetterCopy.Build(record, limit);
            try
            {
                await _retries.ExecuteAsync(record, async ct => await _producer.ProduceAsync(_topic, message, ct).ConfigureAwait(false), cancellation)
                    .ConfigureAwait(false);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge)
            {
                // The producer or the broker allows less than we were told: cut harder, and remember it for the next ones.
                var smaller = Math.Max(DeadLetterCopy.Overhead * 8, Math.Min(limit, DeadLetterCopy.SizeOf(message)) / 2);
                if (smaller >= limit) throw new DeadLetterException($"the dead-letter copy of {record} is refused as too large even at {limit} bytes", ex);
                _log.Warning("Dead letter {0}: {1} ({2} bytes); sending copies of at most {3} bytes from now on", record, ex.Error.Reason,
                    DeadLetterCopy.SizeOf(message), smaller);
                limit = smaller;
                LowerLimit(smaller);
            }
        }
    }

    /// <summary>Any produce failure but a fatal one (the idempotence state is gone) or a size refusal (cut, not retried).</summary>
    private static bool IsTransient(Exception ex) =>
        ex is ProduceException<byte[]?, byte[]?> p && !p.Error.IsFatal && p.Error.Code is not (ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge);

    private void LogRetry(Retries.Retry retry)
    {
        PipelineMetrics.DeadLetterErrors.Inc();
        var error = (retry.Failure as ProduceException<byte[]?, byte[]?>)?.Error;
        _log.Error("Dead letter {0} not accepted by {1} (attempt {2}): {3} ({4}); retrying in {5} — the partition waits", retry.What, _topic,
            retry.Attempt, error?.Reason ?? retry.Failure.Message, error?.Code.ToString() ?? retry.Failure.GetType().Name, retry.Wait);
    }

    private void LowerLimit(int limit)
    {
        int current;
        while (limit < (current = Volatile.Read(ref _maxBytes)) && Interlocked.CompareExchange(ref _maxBytes, limit, current) != current)
        {
        }
    }

    public void Dispose() => _digest.Dispose();
}

/// <summary>The dead-letter topic cannot take a record at all: the pipeline stops rather than skip it.</summary>
public sealed class DeadLetterException(string message, Exception inner) : Exception(message, inner);

