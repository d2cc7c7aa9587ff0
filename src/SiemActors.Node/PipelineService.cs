using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using Akka.Streams;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Settings;
using SiemActors.Pipeline;
using SiemActors.Pipeline.DeadLetters;
using SiemActors.Pipeline.Epochs;
using SiemActors.Pipeline.Gaps;
using SiemActors.Detection;
using SiemActors.Pipeline.Routing;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;
using SiemActors.Transforms;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;

namespace SiemActors.Node;

/// <summary>
/// Runs the ingest pipeline on nodes with the <c>ingest</c> role: once the node is an Up cluster member it connects
/// the sinks (waiting for them if they are down), starts consuming, and on shutdown (SIGTERM) drains: stops
/// consuming, finishes the batches in flight, commits them, then lets the node leave the cluster.
/// If the pipeline fails, the node stops with exit code 1 so its supervisor restarts it; it resumes from the last
/// commit.
/// </summary>
public sealed class PipelineService(ActorSystem system, ActorRegistry registry, NodeConfig node, Router router, PipelineState state,
    DetectionSettings detection, GapAlarm gaps, GroupLag groupLag, IAlertPublisher alerts, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private readonly ILoggingAdapter _log = Logging.GetLogger(system, nameof(PipelineService));

    /// <summary>The destinations routing rules may name.</summary>
    public static IReadOnlyCollection<string> Destinations { get; } = ["redis", "clickhouse", KafkaEventSink.DestinationName];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            await RunAsync(stopping);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            _log.Error(ex, "The ingest pipeline could not start or failed; stopping the node");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(stopping);

        var config = node.Hocon;
        var settings = PipelineSettings.Create(config);
        var redisSettings = RedisSinkSettings.Create(config);
        var clickHouseSettings = ClickHouseSinkSettings.Create(config);
        // Asked now, while the sinks connect: brokers that do not describe topics (the embedded one) take a few seconds to say so.
        using var topicIds = new TopicIds(node.KafkaClient, _log);
        _ = topicIds.GetAsync(settings.EventsTopic);

        using var redis = await RedisEventWriter.ConnectAsync(redisSettings);
        using var clickHouse = new ClickHouseHttpClient(clickHouseSettings, _log);
        var clickHouseWriter = new ClickHouseEventWriter(clickHouse, clickHouseSettings, _log);
        await clickHouseWriter.EnsureSchemaAsync(stopping);
        // The alerts table too, so it exists (and can be searched) before the first alert.
        await new ClickHouseAlertWriter(clickHouse, clickHouseSettings).EnsureSchemaAsync(stopping);
        var gapWriter = new ClickHouseGapWriter(clickHouse, clickHouseSettings);
        await gapWriter.EnsureSchemaAsync(stopping);
        gaps.Use(async (gap, ct) =>
        {
            await gapWriter.WriteAsync(gap, ct);
            await alerts.PublishAsync([GapAlarm.AlertOf(gap)], ct);
        }, stopping);
        // Both producers come from akka.kafka.producer (reference.conf: acks=all, idempotence, lz4) and flush for its
        // close-timeout when the node stops.
        using var dlqProducer = new SharedProducer<byte[]?, byte[]?>(
            ProducerSettings<byte[]?, byte[]?>.Create(system, null, null).WithBootstrapServers(node.BootstrapServers).WithProperties(node.KafkaSecurity.Properties));
        var deadLetterSettings = DeadLetterSettings.Create(config);
        using var deadLetters = new DeadLetterPublisher(dlqProducer.Producer, settings.DeadLetterTopic, deadLetterSettings,
            await DeadLetterLimit.ResolveAsync(deadLetterSettings, dlqProducer.Settings.ToProducerConfig(), node.KafkaClient, settings.DeadLetterTopic, _log), _log);
        using var internalErrors = new InternalErrors(_log, deadLetterSettings.LogInterval);

        using var outputProducer = router.Destinations.Contains(KafkaEventSink.DestinationName)
            ? new SharedProducer<string, byte[]>(ProducerSettings<string, byte[]>.Create(system, null, null).WithBootstrapServers(node.BootstrapServers).WithProperties(node.KafkaSecurity.Properties))
            : null;
        var sinks = new List<IEventSink>
        {
            new RedisEventSink(new RedisEventWriter(redis, redisSettings, _log)),
            new ClickHouseEventSink(clickHouseWriter),
        };
        if (outputProducer is not null) sinks.Add(new KafkaEventSink(outputProducer.Producer, settings.ProcessedTopic, settings.OutputRetry, _log));

        var epochs = new LogEpochResolver(new RedisLogEpochStore(redis, redisSettings), topicIds, groupLag.EndOffsetAsync, sinks, _log);

        var hosts = await registry.GetAsync<HostEntity>(stopping);
        var detector = detection.ActiveRules.Count == 0
            ? null
            : new Detector(await registry.GetAsync<DetectionEntity>(stopping), new FactExtractor(detection.ActiveRules), settings, _log);
        var consumer = ConsumerSettings<byte[]?, byte[]?>.Create(system, Deserializers.ByteArray, Deserializers.ByteArray)
            .WithBootstrapServers(node.BootstrapServers)
            .WithProperties(node.KafkaSecurity.Properties)
            .WithClientId($"siem-{node.Hostname}-{node.Port}");
        var pipeline = new IngestPipeline(settings, consumer, CommitterSettings.Create(system),
            new HostEnricher(hosts, settings, _log),
            deadLetters, router, sinks, internalErrors, state, detector, gaps, epochs);

        // When the actor system stops under the pipeline (the cluster downed this node: a partition, a long pause), the
        // batches in flight cannot finish: every retry of theirs stops, and the node exits for its supervisor to
        // restart it, instead of retrying against a dead system until the host's timeout.
        var systemGone = new CancellationTokenSource(); // not disposed: the continuation below may run after this method returned
        _ = system.WhenTerminated.ContinueWith(_ =>
        {
            if (stopping.IsCancellationRequested) return;
            // Serilog directly: the actor system's logging went with it.
            Serilog.Log.Error("The actor system stopped under the ingest pipeline (this node was downed or left the cluster); stopping the node");
            systemGone.Cancel();
            lifetime.StopApplication();
        }, TaskScheduler.Default);
        var control = pipeline.Run(system.Materializer(), systemGone.Token);
        state.Running = true;
        using var lagStop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var lag = new LagMonitor(groupLag, state, TimeSpan.FromSeconds(5), _log).RunAsync(lagStop.Token);
        _log.Info("Ingest pipeline consuming {0} as group {1} from {2}; {3} routing rule(s), sinks {4}, {5} detection rule(s)", settings.EventsTopic,
            settings.GroupId, node.BootstrapServers, router.Rules.Count, string.Join(", ", sinks.Select(s => s.Name)), detection.ActiveRules.Count);
        try
        {
            await control.StreamCompletion.WaitAsync(stopping);
            _log.Warning("Ingest pipeline completed without being stopped");
        }
        catch (Exception) when (systemGone.IsCancellationRequested || CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason)
        {
            // The actor system is gone and the stream with it: nothing can be finished or committed. The partitions'
            // calls are cancelled; the new owners replay what was not committed.
            state.Running = false;
            return;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            _log.Info("Draining the ingest pipeline: finishing and committing batches in flight");
            state.Running = false;
            await control.DrainAndShutdown();
            _log.Info("Ingest pipeline drained");
            await lag;
            return;
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            state.Running = false;
            await control.Shutdown();
            throw;
        }
        finally
        {
            await lagStop.CancelAsync();
        }
    }
}
