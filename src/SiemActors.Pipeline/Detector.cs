using Akka.Actor;
using Akka.Event;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Entity;
using SiemActors.Domain.Events;

namespace SiemActors.Pipeline;

/// <summary>
/// Hands a partition batch to detection: the rules' facts, one <see cref="DetectFacts"/> per key (never one per event),
/// all Asked at once. Completes when every entity has persisted its facts, so the batch's commit waits for detection
/// like for any sink.
/// </summary>
public sealed class Detector(IActorRef detections, FactExtractor extractor, PipelineSettings settings, ILoggingAdapter log)
{
    public async Task DetectAsync(int partition, IReadOnlyList<SecurityEvent> events)
    {
        var messages = extractor.Extract(partition, events);
        if (messages.Count == 0) return;
        PipelineMetrics.DetectionAsks.Inc(messages.Count);
        await Task.WhenAll(messages.Select(m => EntityAsk.AskAsync<FactsAccepted>(detections, m, m.EntityId, settings, log))).ConfigureAwait(false);
    }
}
