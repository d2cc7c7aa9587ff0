using Akka.Actor;
using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Transforms;

namespace SiemActors.Pipeline;

/// <summary>
/// Enriches partition batches through the host entities. Batches of all partitions are served in shared rounds
/// (<see cref="RoundCoalescer{TRequest,TResult}"/>, <c>siem.pipeline.entity-round-interval</c>): one
/// <see cref="EnrichHostBatches"/> per host per round (never one per event, nor one per partition batch), at most
/// <c>siem.pipeline.entity-ask-parallelism</c> hosts at a time, each retried with backoff on timeout until it answers
/// (<see cref="EntityAsk"/>).
/// </summary>
public sealed class HostEnricher
{
    /// <summary>Offsets per message at most (16 bytes each on the wire, well under Akka's default 128 kB frame).</summary>
    internal const int MaxOffsetsPerMessage = 4096;

    private readonly IActorRef _hosts;
    private readonly PipelineSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly RoundCoalescer<Request, EnrichedEvent[]> _rounds;
    private readonly EntityAsk _ask;

    public HostEnricher(IActorRef hosts, PipelineSettings settings, ILoggingAdapter log)
    {
        _hosts = hosts;
        _settings = settings;
        _log = log;
        _rounds = new RoundCoalescer<Request, EnrichedEvent[]>(EnrichRoundAsync, settings.EntityRoundInterval);
        _ask = new EntityAsk(settings, log);
    }

    /// <summary>The events enriched; stops waiting when <paramref name="cancellation"/> is cancelled (the partition was revoked).</summary>
    public async Task<IReadOnlyList<EnrichedEvent>> EnrichAsync(int partition, IReadOnlyList<SecurityEvent> events, CancellationToken cancellation = default) =>
        events.Count == 0 ? [] : await _rounds.Submit(new Request(partition, events), cancellation).ConfigureAwait(false);

    private async Task<EnrichedEvent[][]> EnrichRoundAsync(IReadOnlyList<Request> requests, CancellationToken cancellation)
    {
        // host -> its events in each batch of the round, as (request, indexes of its events)
        var byHost = new Dictionary<string, List<Part>>(StringComparer.Ordinal);
        for (var r = 0; r < requests.Count; r++)
        {
            var events = requests[r].Events;
            for (var i = 0; i < events.Count; i++)
            {
                if (!byHost.TryGetValue(events[i].Host, out var parts)) byHost[events[i].Host] = parts = [];
                if (parts.Count == 0 || parts[^1].Request != r) parts.Add(new Part(r, []));
                parts[^1].Indexes.Add(i);
            }
        }

        var results = new EnrichedEvent[requests.Count][];
        for (var r = 0; r < requests.Count; r++) results[r] = new EnrichedEvent[requests[r].Events.Count];
        // At most entity-ask-parallelism hosts at a time: a spray from many addresses or hosts makes one round touch very many.
        await Parallel.ForEachAsync(byHost, new ParallelOptions { MaxDegreeOfParallelism = _settings.EntityAskParallelism, CancellationToken = cancellation },
            async (pair, ct) => await AskHostAsync(pair.Key, pair.Value, requests, results, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// One host's parts in messages of at most <see cref="MaxOffsetsPerMessage"/> offsets (a part is never split),
    /// Asked one after another like detection's, so the entity applies them in round order.
    /// </summary>
    private async Task AskHostAsync(string host, List<Part> parts, IReadOnlyList<Request> requests, EnrichedEvent[][] results, CancellationToken cancellation)
    {
        foreach (var chunk in SizedChunks.Of(parts, p => p.Indexes.Count, MaxOffsetsPerMessage))
        {
            PipelineMetrics.HostAsks.Inc();
            var reply = await _ask.AskAsync<HostBatchesEnriched>(_hosts, Build(host, chunk, requests), host, cancellation).ConfigureAwait(false);
            for (var k = 0; k < chunk.Count; k++) Fill(chunk[k], reply.Parts[k], requests, results);
        }
    }

    private static EnrichHostBatches Build(string host, List<Part> parts, IReadOnlyList<Request> requests) =>
        new(host, parts.Select(p =>
        {
            var events = requests[p.Request].Events;
            var offsets = new long[p.Indexes.Count];
            var timestamps = new long[p.Indexes.Count];
            for (var j = 0; j < p.Indexes.Count; j++)
            {
                offsets[j] = events[p.Indexes[j]].Origin.Offset;
                timestamps[j] = events[p.Indexes[j]].Timestamp;
            }
            return new EnrichHost(host, requests[p.Request].Partition, offsets, timestamps);
        }).ToArray());

    /// <summary>The part's events with the entity's answer for them, into their batch's results.</summary>
    private static void Fill(Part part, HostEnriched enriched, IReadOnlyList<Request> requests, EnrichedEvent[][] results)
    {
        var events = requests[part.Request].Events;
        for (var j = 0; j < part.Indexes.Count; j++)
        {
            var i = part.Indexes[j];
            results[part.Request][i] = new EnrichedEvent(events[i], new HostEnrichment(enriched.FirstSeen, enriched.Sequences[j], enriched.EventsLastMinute[j]));
        }
    }

    private sealed record Request(int Partition, IReadOnlyList<SecurityEvent> Events);

    /// <summary>One batch's events of one host: the request's index and the events' indexes in it.</summary>
    private sealed record Part(int Request, List<int> Indexes);
}
