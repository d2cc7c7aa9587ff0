using Akka.Event;
using Confluent.Kafka;

namespace SiemActors.Pipeline;

/// <summary>
/// Every <c>interval</c>, asks the brokers for the end offset (high watermark) of each partition assigned to this node
/// and records it in <see cref="PipelineState"/>, which turns it into lag (end − committed) for the management API and
/// the <c>siem_consumer_lag</c> gauge. Uses a consumer of its own that joins no group.
/// </summary>
public sealed class LagMonitor(string bootstrapServers, PipelineState state, TimeSpan interval, ILoggingAdapter log)
{
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "siem-lag-monitor",
            EnableAutoCommit = false,
        }).Build();
        var warned = false;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var (topic, partition) in state.AssignedPartitions())
            {
                try
                {
                    // A blocking call with a short timeout, on this loop's own thread-pool turn.
                    var watermarks = await Task.Run(() => consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(5)),
                        cancellation).ConfigureAwait(false);
                    state.EndOffset(topic, partition, watermarks.High.Value);
                    warned = false;
                }
                catch (KafkaException ex)
                {
                    if (!warned) log.Warning("Lag monitor cannot read end offsets ({0}); lag is stale until it can", ex.Error.Reason);
                    warned = true;
                }
            }
        }
    }
}
