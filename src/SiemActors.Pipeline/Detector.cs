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
    /// <summary>Facts per message at most (each some tens of bytes on the wire; Akka's default remote frame is 128 kB).</summary>
    internal const int MaxFactsPerMessage = 1000;

    private readonly IActorRef _detections;
    private readonly FactExtractor _extractor;
    private readonly PipelineSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly RoundCoalescer<IReadOnlyList<DetectFacts>, bool> _rounds;
    private readonly EntityAsk _ask;

    public Detector(IActorRef detections, FactExtractor extractor, PipelineSettings settings, ILoggingAdapter log)
    {
        _detections = detections;
        _extractor = extractor;
        _settings = settings;
        _log = log;
        _rounds = new RoundCoalescer<IReadOnlyList<DetectFacts>, bool>(DetectRoundAsync, settings.EntityRoundInterval);
        _ask = new EntityAsk(settings, log);
    }

    /// <summary>What turns a batch's events into facts (the pipeline extracts them where the batch is: <see cref="BatchPreparer"/>).</summary>
    public FactExtractor Extractor => _extractor;

    /// <summary>Hands a batch's facts to the entities in the next round; completes once every entity has persisted its part.</summary>
    public async Task SubmitAsync(IReadOnlyList<DetectFacts> facts, CancellationToken cancellation = default)
    {
        if (facts.Count > 0) await _rounds.Submit(facts, cancellation).ConfigureAwait(false);
    }

    private async Task<bool[]> DetectRoundAsync(IReadOnlyList<IReadOnlyList<DetectFacts>> batches, CancellationToken cancellation)
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
        // At most entity-ask-parallelism keys at a time: a port scan or a spray makes one round touch very many keys.
        await Parallel.ForEachAsync(byKey, new ParallelOptions { MaxDegreeOfParallelism = _settings.EntityAskParallelism, CancellationToken = cancellation },
            async (pair, ct) => await AskKeyAsync(pair.Key, pair.Value, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return new bool[batches.Count];
    }

    /// <summary>
    /// One key's parts in messages of at most <see cref="MaxFactsPerMessage"/> facts, Asked one after another: a part
    /// too large for one message is cut into consecutive pieces (<see cref="Split"/>), and the entity must get them in
    /// order (it skips offsets at or below what it applied for the partition).
    /// </summary>
    private async Task AskKeyAsync(string key, List<DetectFacts> parts, CancellationToken cancellation)
    {
        foreach (var chunk in SizedChunks.Of(parts.SelectMany(p => Split(p, MaxFactsPerMessage)), p => p.Facts.Length, MaxFactsPerMessage))
        {
            PipelineMetrics.DetectionAsks.Inc();
            await _ask.AskAsync<FactsAccepted>(_detections, new DetectFactsBatches(key, chunk.ToArray()), key, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A part with more than <paramref name="max"/> facts as consecutive pieces of at most that many, cut only between
    /// offsets: the facts of one offset (one event, several rules) stay in one piece, because the entity counts each
    /// piece's offsets above what it applied so far and would skip the rest of a cut offset. A single offset with more
    /// facts than <paramref name="max"/> stays whole.
    /// </summary>
    internal static IEnumerable<DetectFacts> Split(DetectFacts part, int max)
    {
        var facts = part.Facts;
        if (facts.Length <= max)
        {
            yield return part;
            yield break;
        }
        var start = 0;
        while (start < facts.Length)
        {
            var end = Math.Min(start + max, facts.Length);
            if (end < facts.Length)
            {
                var cut = end;
                while (cut > start && facts[cut].Offset == facts[cut - 1].Offset) cut--;
                if (cut == start)
                {
                    cut = end;
                    while (cut < facts.Length && facts[cut].Offset == facts[cut - 1].Offset) cut++;
                }
                end = cut;
            }
            yield return part with { Facts = facts[start..end] };
            start = end;
        }
    }
}
