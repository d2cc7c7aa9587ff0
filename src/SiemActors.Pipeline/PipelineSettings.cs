using Akka.Configuration;
using SiemActors.Domain.Normalization;
using SiemActors.Resilience;

namespace SiemActors.Pipeline;

/// <summary>
/// Settings of the ingest pipeline, from <c>siem.pipeline</c>, <c>siem.normalize</c> and the topic names of
/// <c>siem.kafka.topics</c>; defaults in the embedded <c>reference.conf</c>.
/// </summary>
public sealed record PipelineSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Pipeline.reference.conf", typeof(PipelineSettings).Assembly));

    private PipelineSettings(Config config)
    {
        var p = config.GetConfig("siem.pipeline");
        GroupId = p.GetString("group-id");
        BatchSize = p.GetInt("batch-size");
        BatchInterval = p.GetTimeSpan("batch-interval");
        MaxPartitions = p.GetInt("max-partitions");
        EntityRoundInterval = p.GetTimeSpan("entity-round-interval");
        AskTimeout = p.GetTimeSpan("ask-timeout");
        EntityAskParallelism = p.GetInt("entity-ask-parallelism");
        if (EntityAskParallelism < 1) throw new ConfigurationException("siem.pipeline.entity-ask-parallelism must be at least 1");
        AskRetryMinBackoff = p.GetTimeSpan("ask-retry-min-backoff");
        AskRetryMaxBackoff = p.GetTimeSpan("ask-retry-max-backoff");
        OutputRetry = new RetrySettings(p.GetTimeSpan("output-retry-min-backoff"), p.GetTimeSpan("output-retry-max-backoff")).Validated("siem.pipeline.output-retry");
        GapAlarmDuration = p.GetTimeSpan("gap-alarm-duration");
        OffsetOutOfRange = config.GetString("siem.kafka.on-offset-out-of-range") switch
        {
            "earliest" => Kafka.Settings.OffsetOutOfRange.Earliest,
            "latest" => Kafka.Settings.OffsetOutOfRange.Latest,
            "fail" => Kafka.Settings.OffsetOutOfRange.Fail,
            var other => throw new ConfigurationException($"siem.kafka.on-offset-out-of-range is '{other}'; it is earliest, latest or fail"),
        };
        var n = config.GetConfig("siem.normalize");
        Limits = new NormalizerLimits(n.GetInt("max-message-bytes"), n.GetInt("max-fields"), n.GetInt("max-depth"));
        TopicFormats = ReadTopicFormats(n);
        // The topics are the node's (hocon/siem.conf, shared with siemctl kafka up), not this library's defaults.
        EventsTopic = Topic(config, "events");
        DeadLetterTopic = Topic(config, "dead-letter");
        ProcessedTopic = Topic(config, "processed");
        if (BatchSize < 1) throw new ConfigurationException("siem.pipeline.batch-size must be at least 1");
        if (EntityRoundInterval < TimeSpan.Zero) throw new ConfigurationException("siem.pipeline.entity-round-interval must not be negative");
        if (MaxPartitions < 1) throw new ConfigurationException("siem.pipeline.max-partitions must be at least 1");
    }

    public static PipelineSettings Create(Config config) => new(WithDefaults(config));

    private static string Topic(Config config, string which) =>
        config.GetString($"siem.kafka.topics.{which}.name", "") is { Length: > 0 } name
            ? name
            : throw new ConfigurationException($"siem.kafka.topics.{which}.name is not set (hocon/siem.conf sets every topic's name)");

    /// <summary>The config over this library's defaults (<c>siem.pipeline</c>, <c>siem.normalize</c>, <c>siem.routing</c>).</summary>
    public static Config WithDefaults(Config config) => config.WithFallback(Reference.Value);

    /// <summary>The Kafka output's topic.</summary>
    public string ProcessedTopic { get; init; } = "siem-processed-events";

    public string GroupId { get; init; }

    public int BatchSize { get; init; }

    public TimeSpan BatchInterval { get; init; }

    public int MaxPartitions { get; init; }

    /// <summary>The least time between the starts of two rounds of entity Asks (enrichment, detection).</summary>
    public TimeSpan EntityRoundInterval { get; init; }

    public TimeSpan AskTimeout { get; init; }

    /// <summary>Entity Asks in flight at once in one round, for enrichment and for detection each.</summary>
    public int EntityAskParallelism { get; init; }

    public TimeSpan AskRetryMinBackoff { get; init; }

    public TimeSpan AskRetryMaxBackoff { get; init; }

    /// <summary>How the Kafka output retries a produce the broker did not take.</summary>
    public RetrySettings OutputRetry { get; init; }

    public NormalizerLimits Limits { get; init; }

    /// <summary>How long a reported ingest gap keeps <c>/health/ready</c> degraded unless acknowledged first.</summary>
    public TimeSpan GapAlarmDuration { get; init; }

    /// <summary><c>siem.kafka.on-offset-out-of-range</c>: where to go on when the committed offset is no longer in the log.</summary>
    public Kafka.Settings.OffsetOutOfRange OffsetOutOfRange { get; init; }

    /// <summary>The policy as configured (earliest, latest, fail), for the gap rows and alerts.</summary>
    public string OffsetOutOfRangeName => OffsetOutOfRange.ToString().ToLowerInvariant();

    /// <summary>Topics parsed in one fixed format instead of detected per message.</summary>
    public IReadOnlyDictionary<string, InputFormat> TopicFormats { get; init; }

    private static Dictionary<string, InputFormat> ReadTopicFormats(Config normalize)
    {
        var formats = new Dictionary<string, InputFormat>(StringComparer.Ordinal);
        if (!normalize.HasPath("topic-formats")) return formats;
        foreach (var entry in normalize.GetValue("topic-formats").GetArray())
        {
            var item = new Config(new Akka.Configuration.Hocon.HoconRoot(entry));
            var topic = item.GetString("topic", "");
            var name = item.GetString("format", "");
            if (topic.Length == 0) throw new ConfigurationException("siem.normalize.topic-formats: an entry has no topic");
            if (!Enum.TryParse<InputFormat>(name, ignoreCase: true, out var format) || format == InputFormat.Unknown && !name.Equals("auto", StringComparison.OrdinalIgnoreCase))
                throw new ConfigurationException($"siem.normalize.topic-formats: topic '{topic}' has format '{name}'; formats are auto, json, rfc5424, rfc3164, cef, leef");
            formats[topic] = format;
        }
        return formats;
    }

    public string EventsTopic { get; init; }

    public string DeadLetterTopic { get; init; }
}
