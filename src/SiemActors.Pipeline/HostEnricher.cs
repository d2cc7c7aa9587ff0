using Akka.Actor;
using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Transforms;

namespace SiemActors.Pipeline;

/// <summary>
/// Enriches a partition batch through the host entities: one <see cref="EnrichHost"/> per host in the batch (never
/// one per event), all Asked at once, each retried with backoff on timeout until it answers (<see cref="EntityAsk"/>).
/// </summary>
public sealed class HostEnricher(IActorRef hosts, PipelineSettings settings, ILoggingAdapter log)
{
    public async Task<IReadOnlyList<EnrichedEvent>> EnrichAsync(int partition, IReadOnlyList<SecurityEvent> events)
    {
        if (events.Count == 0) return [];
        var byHost = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            if (!byHost.TryGetValue(events[i].Host, out var indexes)) byHost[events[i].Host] = indexes = [];
            indexes.Add(i);
        }

        var enriched = new EnrichedEvent[events.Count];
        await Task.WhenAll(byHost.Select(async pair =>
        {
            var (host, indexes) = pair;
            var facts = new EnrichHost(host, partition,
                indexes.Select(i => events[i].Origin.Offset).ToArray(),
                indexes.Select(i => events[i].Timestamp).ToArray());
            var reply = await EntityAsk.AskAsync<HostEnriched>(hosts, facts, facts.Host, settings, log).ConfigureAwait(false);
            for (var j = 0; j < indexes.Count; j++)
            {
                var i = indexes[j];
                enriched[i] = new EnrichedEvent(events[i], new HostEnrichment(reply.FirstSeen, reply.Sequences[j], reply.EventsLastMinute[j]));
            }
        })).ConfigureAwait(false);
        return enriched;
    }
}
