using System.Text;
using SiemActors.Domain.Events;

namespace SiemActors.Sinks.Tests;

internal static class TestEvents
{
    /// <summary>Events at offsets first..first+count-1 of one partition, over a few sources.</summary>
    public static EventBatch Batch(string topic, int partition, long first, int count, params string[] sources)
    {
        sources = sources.Length == 0 ? ["firewall"] : sources;
        var events = Enumerable.Range(0, count).Select(i =>
        {
            var offset = first + i;
            var e = new SecurityEvent
            {
                EventId = $"id-{partition}-{offset}",
                Timestamp = 1_800_000_000_000 + offset,
                IngestedAt = 1_800_000_000_500,
                Source = sources[i % sources.Length],
                Host = $"host-{offset % 3}",
                Severity = Severity.Warning,
                Message = $"message {offset}",
                Raw = Encoding.UTF8.GetBytes($"{{\"n\":{offset}}}"),
                Origin = new KafkaOrigin(topic, partition, offset),
            };
            return new EnrichedEvent(e, new HostEnrichment(1_799_000_000_000, offset + 1, 1));
        }).ToList();
        return new EventBatch(topic, partition, first, first + count - 1, events);
    }
}
