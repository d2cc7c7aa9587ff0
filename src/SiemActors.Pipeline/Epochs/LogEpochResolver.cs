using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Sinks.Redis;

namespace SiemActors.Pipeline.Epochs;

/// <summary>
/// Decides the log epoch of a partition when it is assigned (<see cref="KafkaOrigin.Epoch"/>). The sinks keep their
/// high-water marks by topic, partition and epoch; a topic deleted and created again starts its offsets at 0, and under
/// the old marks its new records would be skipped as written. The partition is a new log — the next epoch — when its topic
/// id differs from the one stored, or when the log ends at or below an offset the sinks already hold of it. Stored in
/// Redis for every node (<see cref="RedisLogEpochStore"/>). Waits and retries while Redis, the brokers or ClickHouse do not
/// answer: the partition's first batch waits for its epoch.
/// </summary>
/// <param name="store">Where the epochs are kept.</param>
/// <param name="topicIds">Topic ids, where the brokers give them.</param>
/// <param name="endOffset">A partition's end offset (<see cref="GroupLag.EndOffsetAsync"/>).</param>
/// <param name="sinks">The sinks whose marks a new log must not be taken for.</param>
/// <param name="log">Where a new log is reported.</param>
public sealed class LogEpochResolver(RedisLogEpochStore store, TopicIds topicIds, Func<string, int, Task<long>> endOffset, IReadOnlyList<IEventSink> sinks,
    ILoggingAdapter log)
{
    public async Task<int> ResolveAsync(string topic, int partition, CancellationToken cancellation)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DecideAsync(topic, partition).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !cancellation.IsCancellationRequested)
            {
                log.Warning("The log epoch of {0}[{1}] cannot be decided yet (attempt {2}): {3}; retrying in {4}", topic, partition, attempt, ex.Message, backoff);
                await Task.Delay(backoff, cancellation).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task<int> DecideAsync(string topic, int partition)
    {
        var stored = await store.GetAsync(topic, partition).ConfigureAwait(false);
        var id = await topicIds.GetAsync(topic).ConfigureAwait(false) ?? "";
        if (stored is null) return (await store.CompareAndSetAsync(topic, partition, null, (0, id)).ConfigureAwait(false)).Epoch;

        var (epoch, storedId) = stored.Value;
        string? why = null;
        if (id.Length > 0 && storedId.Length > 0 && id != storedId)
        {
            why = $"its topic id is {id}, not {storedId}: the topic was deleted and created again";
        }
        else
        {
            var end = await endOffset(topic, partition).ConfigureAwait(false);
            var marks = await Task.WhenAll(sinks.Select(s => s.HighWaterMarkAsync(LogEpochs.MarkTopic(topic, epoch), partition))).ConfigureAwait(false);
            var mark = marks.Length == 0 ? -1 : marks.Max();
            if (mark >= 0 && end <= mark)
                why = $"the log ends at offset {end}, below offset {mark} that the sinks already hold of it: it was truncated, or the topic deleted and created again";
        }
        if (why is null)
        {
            if (id.Length > 0 && storedId.Length == 0) await store.CompareAndSetAsync(topic, partition, stored, (epoch, id)).ConfigureAwait(false);
            return epoch;
        }
        if (epoch + 1 > LogEpochs.MaxEpoch) throw new InvalidOperationException($"{topic}[{partition}] has had {LogEpochs.MaxEpoch} logs");
        var next = (epoch + 1, id);
        var now = await store.CompareAndSetAsync(topic, partition, stored, next).ConfigureAwait(false);
        if (now == next)
        {
            PipelineMetrics.LogEpochs.WithLabels(topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            log.Warning("{0}[{1}] is a new log: {2}. Its records are stored as log epoch {3} (sink marks under {4}), so none is skipped as already written",
                topic, partition, why, now.Epoch, LogEpochs.MarkTopic(topic, now.Epoch));
        }
        return now.Epoch;
    }
}
