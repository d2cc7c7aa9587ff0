using SiemActors.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SiemActors.Pipeline;
using SiemActors.Pipeline.Gaps;

namespace SiemActors.Management;

/// <summary>A sink's calls since start: how many partition batches, their mean time, failures.</summary>
public sealed record SinkView(string Name, long Batches, double MeanSeconds, long Events, long Errors);

/// <summary>A reported ingest gap as the management API shows it.</summary>
public sealed record GapView(string AlertId, string Topic, int Partition, long FirstOffset, long LastOffset, long Records, string Policy,
    string Node, long DetectedAt, bool Acknowledged, bool Alarming)
{
    public static GapView Of(GapStatus s) => new(s.Gap.Id, s.Gap.Topic, s.Gap.Partition, s.Gap.FirstOffset, s.Gap.LastOffset, s.Gap.Records,
        s.Gap.Policy, s.Gap.Node, s.Gap.DetectedAt, s.Acknowledged, s.Alarming);
}

public sealed record PipelineView(bool Running, int AssignedPartitions, double EventsInPerSecond, double EventsOutPerSecond, long Consumed,
    long Committed, double MeanBatchSize, IReadOnlyList<SinkView> Sinks, IReadOnlyDictionary<string, long> DeadLettered, long ShardAskTimeouts,
    IReadOnlyList<PartitionStatus> Partitions, GroupLagSnapshot? GroupLag);

/// <summary><c>/management/pipeline</c>: this node's ingest pipeline — partitions with offsets and lag, rates, sinks, dead letters.</summary>
internal static class PipelineEndpoint
{
    public static void Map(RouteGroupBuilder management)
    {
        management.MapGet("/pipeline", async (IServiceProvider services, CancellationToken cancellation) =>
        {
            if (services.GetService(typeof(PipelineState)) is not PipelineState state) return NoIngest();
            return Results.Json(View(state, await MeasureAsync(services, state, cancellation)), ApiEndpoints.Json);
        });
        // Ingest gaps this node reported (newest first), and their acknowledgement.
        management.MapGet("/pipeline/gaps", (IServiceProvider services) =>
            services.GetService(typeof(GapAlarm)) is GapAlarm gaps ? Results.Json(gaps.Gaps().Select(GapView.Of), ApiEndpoints.Json) : NoIngest());
        management.MapPost("/pipeline/gaps/acknowledge", (IServiceProvider services) =>
            services.GetService(typeof(GapAlarm)) is GapAlarm gaps ? Results.Json(new { acknowledged = gaps.Acknowledge() }, ApiEndpoints.Json) : NoIngest());
    }

    /// <summary>How long a request waits for a fresh read of the lag before it answers with the last one.</summary>
    private static readonly TimeSpan FreshLagWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The group's lag read now (as kafka-consumer-groups does); the last measurement if the brokers do not answer within
    /// <see cref="FreshLagWait"/> (a read asks every partition in turn, each with its own timeout).
    /// </summary>
    private static async Task<GroupLagSnapshot?> MeasureAsync(IServiceProvider services, PipelineState state, CancellationToken cancellation)
    {
        if (services.GetService(typeof(GroupLag)) is not GroupLag reader) return state.LastGroupLag;
        try
        {
            var snapshot = await reader.ReadAsync(state.IsAssigned, cancellation).WaitAsync(FreshLagWait, cancellation);
            state.GroupLag(snapshot);
            return snapshot;
        }
        catch (Exception ex) when (ex is Confluent.Kafka.KafkaException or TimeoutException)
        {
            return state.LastGroupLag;
        }
    }

    private static IResult NoIngest() =>
        Results.Json(new { error = "this node has no ingest role" }, ApiEndpoints.Json, statusCode: StatusCodes.Status404NotFound);

    public static PipelineView View(PipelineState state, GroupLagSnapshot? lag = null)
    {
        var sinks = PipelineMetrics.SinkCallSeconds.GetAllLabelValues()
            .Select(l => l[0])
            .Distinct()
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(name =>
            {
                var calls = PipelineMetrics.SinkCallSeconds.WithLabels(name);
                return new SinkView(name, calls.Count, calls.Count > 0 ? calls.Sum / calls.Count : 0,
                    (long)PipelineMetrics.Stored.WithLabels(name).Value, (long)PipelineMetrics.SinkErrors.WithLabels(name).Value);
            })
            .ToList();
        var deadLettered = PipelineMetrics.DeadLettered.GetAllLabelValues()
            .ToDictionary(l => l[0], l => (long)PipelineMetrics.DeadLettered.WithLabels(l).Value, StringComparer.Ordinal);
        var batches = PipelineMetrics.BatchSize;
        return new PipelineView(state.Running, state.AssignedCount, Math.Round(state.EventsInPerSecond, 1), Math.Round(state.EventsOutPerSecond, 1),
            (long)PipelineMetrics.Consumed.Value, (long)PipelineMetrics.Committed.Value, batches.Count > 0 ? Math.Round(batches.Sum / batches.Count, 1) : 0,
            sinks, deadLettered, (long)PipelineMetrics.AskTimeouts.Value, state.Partitions(lag), lag ?? state.LastGroupLag);
    }
}
