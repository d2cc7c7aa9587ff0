using Akka.Event;
using Confluent.Kafka;

namespace SiemActors.Pipeline;

/// <summary>
/// Every <c>interval</c>, reads the group's lag (<see cref="GroupLag"/>: committed offsets and end offsets of every
/// partition) into <see cref="PipelineState"/>, which sets the <c>siem_consumer_lag</c> gauge for the partitions
/// assigned to this node. A failed read leaves the last snapshot, with its time, and is logged once until one succeeds.
/// </summary>
public sealed class LagMonitor(GroupLag lag, PipelineState state, TimeSpan interval, ILoggingAdapter log)
{
    public async Task RunAsync(CancellationToken cancellation)
    {
        var warned = false;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                state.GroupLag(await lag.ReadAsync(state.IsAssigned, cancellation).ConfigureAwait(false));
                warned = false;
            }
            catch (KafkaException ex)
            {
                if (!warned) log.Warning("Lag monitor cannot read the group's offsets ({0}); lag is stale until it can", ex.Error.Reason);
                warned = true;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await Task.Delay(interval, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
