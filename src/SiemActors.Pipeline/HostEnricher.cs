using Akka.Actor;
using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Transforms;

namespace SiemActors.Pipeline;

/// <summary>
/// Enriches partition batches through the host entities. Batches of all partitions are served in shared rounds
/// (<see cref="RoundCoalescer{TRequest,TResult}"/>, <c>siem.pipeline.entity-round-interval</c>): one
/// <see cref="EnrichHostBatches"/> per host per round (never one per event, nor one per partition batch), all Asked at
/// once, each retried with backoff on timeout until it answers (<see cref="EntityAsk"/>).
/// </summary>
public sealed class HostEnricher
{
    /// <summary>Offsets per message at most (16 bytes each on the wire, well under Akka's default 128 kB frame).</summary>
    internal const int MaxOffsetsPerMessage = 4096;

    private readonly IActorRef _hosts;
    private readonly PipelineSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly RoundCoalescer<Request, EnrichedEvent[]> _rounds;

    public HostEnricher(IActorRef hosts, PipelineSettings settings, ILoggingAdapter log)
    {
        _hosts = hosts;
        _settings = settings;
        _log = log;
        _rounds = new RoundCoalescer<Request, EnrichedEvent[]>(EnrichRoundAsync, settings.EntityRoundInterval);
    }

    public async Task<IReadOnlyList<EnrichedEvent>> EnrichAsync(int partition, IReadOnlyList<SecurityEvent> events) =>
        events.Count == 0 ? [] : await _rounds.Submit(new Request(partition, events)).ConfigureAwait(false);

    private async Task<EnrichedEvent[][]> EnrichRoundAsync(IReadOnlyList<Request> requests)
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
        var asks = new List<Task>(byHost.Count);
        foreach (var (host, parts) in byHost)
        {
            // A part (one batch's events of the host) is never split.
            foreach (var chunk in SizedChunks.Of(parts, p => p.Indexes.Count, MaxOffsetsPerMessage))
                asks.Add(AskAsync((Build(host, chunk, requests), chunk), requests, results));
        }
        PipelineMetrics.HostAsks.Inc(asks.Count);
        await Task.WhenAll(asks).ConfigureAwait(false);
        return results;
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

    private async Task AskAsync((EnrichHostBatches Message, List<Part> Parts) ask, IReadOnlyList<Request> requests, EnrichedEvent[][] results)
    {
        var reply = await EntityAsk.AskAsync<HostBatchesEnriched>(_hosts, ask.Message, ask.Message.Host, _settings, _log).ConfigureAwait(false);
        for (var k = 0; k < ask.Parts.Count; k++)
        {
            var part = ask.Parts[k];
            var enriched = reply.Parts[k];
            var events = requests[part.Request].Events;
            for (var j = 0; j < part.Indexes.Count; j++)
            {
                var i = part.Indexes[j];
                results[part.Request][i] = new EnrichedEvent(events[i],
                    new HostEnrichment(enriched.FirstSeen, enriched.Sequences[j], enriched.EventsLastMinute[j]));
            }
        }
    }

    private sealed record Request(int Partition, IReadOnlyList<SecurityEvent> Events);

    /// <summary>One batch's events of one host: the request's index and the events' indexes in it.</summary>
    private sealed record Part(int Request, List<int> Indexes);
}
