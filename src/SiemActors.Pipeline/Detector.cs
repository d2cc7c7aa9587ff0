using Akka.Actor;
using Akka.Event;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Entity;
using SiemActors.Domain.Events;

namespace SiemActors.Pipeline;

/// <summary>
/// Hands partition batches to detection: each batch's facts, per key, are extracted where the batch is; batches of all
/// partitions then go to the entities in shared rounds (<see cref="RoundCoalescer{TRequest,TResult}"/>,
/// <c>siem.pipeline.entity-round-interval</c>): one <see cref="DetectFactsBatches"/> per key per round — one Ask and
/// one journal write — never one per event, nor one per partition batch. Completes when every entity has persisted
/// the batch's facts, so the batch's commit waits for detection like for any sink.
/// </summary>
public sealed class Detector
{
    /// <summary>Facts per message at most (each some tens of bytes on the wire; Akka's default frame is 128 kB).</summary>
    internal const int MaxFactsPerMessage = 1000;

    private readonly IActorRef _detections;
    private readonly FactExtractor _extractor;
    private readonly PipelineSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly RoundCoalescer<IReadOnlyList<DetectFacts>, bool> _rounds;

    public Detector(IActorRef detections, FactExtractor extractor, PipelineSettings settings, ILoggingAdapter log)
    {
        _detections = detections;
        _extractor = extractor;
        _settings = settings;
        _log = log;
        _rounds = new RoundCoalescer<IReadOnlyList<DetectFacts>, bool>(DetectRoundAsync, settings.EntityRoundInterval);
    }

    public async Task DetectAsync(int partition, IReadOnlyList<SecurityEvent> events)
    {
        var facts = _extractor.Extract(partition, events);
        if (facts.Count > 0) await _rounds.Submit(facts).ConfigureAwait(false);
    }

    private async Task<bool[]> DetectRoundAsync(IReadOnlyList<IReadOnlyList<DetectFacts>> batches)
    {
        var byKey = new Dictionary<string, List<DetectFacts>>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            foreach (var facts in batch)
            {
                if (!byKey.TryGetValue(facts.EntityId, out var parts)) byKey[facts.EntityId] = parts = [];
                parts.Add(facts);
            }
        }
        var messages = new List<DetectFactsBatches>(byKey.Count);
        foreach (var (key, parts) in byKey)
        {
            // A part (one batch's facts for the key) is never split.
            foreach (var chunk in SizedChunks.Of(parts, p => p.Facts.Length, MaxFactsPerMessage))
                messages.Add(new DetectFactsBatches(key, chunk.ToArray()));
        }
        PipelineMetrics.DetectionAsks.Inc(messages.Count);
        await Task.WhenAll(messages.Select(m => EntityAsk.AskAsync<FactsAccepted>(_detections, m, m.EntityId, _settings, _log))).ConfigureAwait(false);
        return new bool[batches.Count];
    }
}
