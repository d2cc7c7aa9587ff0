using System.Collections.Concurrent;
using Akka.Event;
using Confluent.Kafka;
using SiemActors.Domain.Faults;

namespace SiemActors.Pipeline.DeadLetters;

/// <summary>
/// Sends records to the dead-letter topic (<see cref="DeadLetterCopy"/>: the record with why and where from in headers,
/// truncated with its size and hash when it would not fit). A batch's commit waits until the broker acknowledged all
/// of its dead letters. Nothing here gives up on a record: a copy the producer or broker finds too large is cut
/// further, and any other failure (broker down, topic missing, not authorized) is retried with backoff for as long as
/// it lasts — the partition waits, the error is logged and counted — so a dead letter is never lost and never stops
/// the node. Only a fatal producer error (its idempotence state is gone) fails the pipeline.
/// </summary>
public sealed class DeadLetterPublisher : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly DeadLetterSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private readonly LogDigest _digest;
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
        _settings = settings;
        _maxBytes = maxBytes;
        _log = log;
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
        var backoff = _settings.RetryMinBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var message = DeadLetterCopy.Build(record, limit);
            try
            {
                await _producer.ProduceAsync(_topic, message, cancellation).ConfigureAwait(false);
                if (attempt > 1) _log.Info("Dead letter {0} sent after {1} attempts", record, attempt);
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
            catch (ProduceException<byte[]?, byte[]?> ex) when (!ex.Error.IsFatal && !cancellation.IsCancellationRequested)
            {
                PipelineMetrics.DeadLetterErrors.Inc();
                _log.Error("Dead letter {0} not accepted by {1} (attempt {2}): {3} ({4}); retrying in {5} — the partition waits", record, _topic,
                    attempt, ex.Error.Reason, ex.Error.Code, backoff);
                await Task.Delay(backoff, cancellation).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.RetryMaxBackoff.Ticks));
            }
        }
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

