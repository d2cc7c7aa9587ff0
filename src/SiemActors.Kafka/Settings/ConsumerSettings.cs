using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Config = Akka.Configuration.Config;
using Confluent.Kafka;

namespace SiemActors.Kafka.Settings;

/// <summary>Immutable settings of a consumer source; defaults come from <c>akka.kafka.consumer</c>.</summary>
public sealed record ConsumerSettings<TKey, TValue>
{
    private ConsumerSettings(Config section, IDeserializer<TKey>? keyDeserializer, IDeserializer<TValue>? valueDeserializer)
    {
        KeyDeserializer = keyDeserializer;
        ValueDeserializer = valueDeserializer;
        PollTimeout = section.GetTimeSpan("poll-timeout");
        MaxBatchPerPoll = section.GetInt("max-batch-per-poll");
        BufferSize = section.GetInt("buffer-size");
        PartitionBufferSize = section.GetInt("partition-buffer-size");
        BufferBytes = section.GetByteSize("buffer-bytes") ?? throw new ConfigurationException("akka.kafka.consumer.buffer-bytes is not set");
        PartitionBufferBytes = section.GetByteSize("partition-buffer-bytes")
            ?? throw new ConfigurationException("akka.kafka.consumer.partition-buffer-bytes is not set");
        WaitClosePartition = section.GetTimeSpan("wait-close-partition");
        StopTimeout = section.GetTimeSpan("stop-timeout");
        CloseTimeout = section.GetTimeSpan("close-timeout");
        OffsetOutOfRange = ParseOffsetOutOfRange(section.GetString("offset-out-of-range"));
        Properties = KafkaClientProperties.From(section);
    }

    private static OffsetOutOfRange ParseOffsetOutOfRange(string value) => value switch
    {
        "earliest" => OffsetOutOfRange.Earliest,
        "latest" => OffsetOutOfRange.Latest,
        "fail" => OffsetOutOfRange.Fail,
        _ => throw new ConfigurationException($"akka.kafka.consumer.offset-out-of-range is '{value}'; it is earliest, latest or fail"),
    };

    /// <summary>From the system's <c>akka.kafka.consumer</c>, over the embedded defaults.</summary>
    public static ConsumerSettings<TKey, TValue> Create(ActorSystem system, IDeserializer<TKey>? keyDeserializer,
        IDeserializer<TValue>? valueDeserializer) =>
        new(KafkaDefaults.Section(system, "akka.kafka.consumer"), keyDeserializer, valueDeserializer);

    /// <summary>From a config holding <c>akka.kafka.consumer</c> (missing keys take the embedded defaults).</summary>
    public static ConsumerSettings<TKey, TValue> Create(Config config, IDeserializer<TKey>? keyDeserializer,
        IDeserializer<TValue>? valueDeserializer) =>
        new(KafkaDefaults.Section(config, "akka.kafka.consumer"), keyDeserializer, valueDeserializer);

    /// <summary>Null: Confluent.Kafka's built-in deserializer for the type.</summary>
    public IDeserializer<TKey>? KeyDeserializer { get; init; }

    public IDeserializer<TValue>? ValueDeserializer { get; init; }

    public TimeSpan PollTimeout { get; init; }

    public int MaxBatchPerPoll { get; init; }

    public int BufferSize { get; init; }

    public int PartitionBufferSize { get; init; }

    /// <summary>The most key and value bytes the source holds that downstream has not taken (single sources).</summary>
    public long BufferBytes { get; init; }

    /// <summary>The same, per partition (partitioned sources).</summary>
    public long PartitionBufferBytes { get; init; }

    public TimeSpan WaitClosePartition { get; init; }

    public TimeSpan StopTimeout { get; init; }

    public TimeSpan CloseTimeout { get; init; }

    /// <summary>What to do when the position in a partition is no longer in the log (see <see cref="Settings.OffsetOutOfRange"/>).</summary>
    public OffsetOutOfRange OffsetOutOfRange { get; init; }

    /// <summary>
    /// Told of every move of <see cref="OffsetOutOfRange"/>, on the consumer's own thread (return quickly; hand work
    /// elsewhere). Null: only logged.
    /// </summary>
    public Action<Messages.OffsetReset>? OffsetResetListener { get; init; }

    /// <summary>
    /// Told of every commit the broker accepted, with the offsets committed, on the consumer's own thread before the
    /// consumer records it or completes the commit's task (return quickly). Null: nothing is told.
    /// </summary>
    public Action<IReadOnlyList<TopicPartitionOffset>>? CommitListener { get; init; }

    /// <summary>librdkafka properties, passed as they are.</summary>
    public ImmutableDictionary<string, string> Properties { get; init; }

    public string? GroupId => Properties.GetValueOrDefault("group.id");

    public ConsumerSettings<TKey, TValue> WithBootstrapServers(string servers) => WithProperty("bootstrap.servers", servers);

    public ConsumerSettings<TKey, TValue> WithGroupId(string groupId) => WithProperty("group.id", groupId);

    public ConsumerSettings<TKey, TValue> WithClientId(string clientId) => WithProperty("client.id", clientId);

    public ConsumerSettings<TKey, TValue> WithProperty(string key, string value) => this with { Properties = Properties.SetItem(key, value) };

    public ConsumerSettings<TKey, TValue> WithProperties(IEnumerable<KeyValuePair<string, string>> properties) =>
        this with { Properties = Properties.SetItems(properties) };

    public ConsumerSettings<TKey, TValue> WithPollTimeout(TimeSpan timeout) => this with { PollTimeout = Positive(timeout) };

    public ConsumerSettings<TKey, TValue> WithMaxBatchPerPoll(int max) => this with { MaxBatchPerPoll = AtLeastOne(max) };

    public ConsumerSettings<TKey, TValue> WithBufferSize(int size) => this with { BufferSize = AtLeastOne(size) };

    public ConsumerSettings<TKey, TValue> WithPartitionBufferSize(int size) => this with { PartitionBufferSize = AtLeastOne(size) };

    public ConsumerSettings<TKey, TValue> WithBufferBytes(long bytes) => this with { BufferBytes = AtLeastOne(bytes) };

    public ConsumerSettings<TKey, TValue> WithPartitionBufferBytes(long bytes) => this with { PartitionBufferBytes = AtLeastOne(bytes) };

    public ConsumerSettings<TKey, TValue> WithWaitClosePartition(TimeSpan timeout) => this with { WaitClosePartition = timeout };

    public ConsumerSettings<TKey, TValue> WithStopTimeout(TimeSpan timeout) => this with { StopTimeout = timeout };

    public ConsumerSettings<TKey, TValue> WithCloseTimeout(TimeSpan timeout) => this with { CloseTimeout = timeout };

    public ConsumerSettings<TKey, TValue> WithOffsetOutOfRange(OffsetOutOfRange policy) => this with { OffsetOutOfRange = policy };

    public ConsumerSettings<TKey, TValue> WithOffsetResetListener(Action<Messages.OffsetReset> listener) => this with { OffsetResetListener = listener };

    public ConsumerSettings<TKey, TValue> WithCommitListener(Action<IReadOnlyList<TopicPartitionOffset>> listener) => this with { CommitListener = listener };

    public ConsumerSettings<TKey, TValue> WithKeyDeserializer(IDeserializer<TKey> deserializer) => this with { KeyDeserializer = deserializer };

    public ConsumerSettings<TKey, TValue> WithValueDeserializer(IDeserializer<TValue> deserializer) =>
        this with { ValueDeserializer = deserializer };

    /// <summary>
    /// Where to start in a partition the group has no committed offset for: <c>auto.offset.reset</c> (earliest,
    /// latest, or error to fail). It no longer decides what happens when an offset is out of range: that is
    /// <see cref="OffsetOutOfRange"/>.
    /// </summary>
    internal Offset InitialOffset => Properties.GetValueOrDefault("auto.offset.reset", "latest") switch
    {
        "earliest" or "smallest" or "beginning" => Offset.Beginning,
        "latest" or "largest" or "end" => Offset.End,
        _ => Offset.Unset, // error: no start of its own
    };

    /// <summary>
    /// The librdkafka configuration, checked for what the stages rely on. <c>auto.offset.reset</c> goes to librdkafka as
    /// <c>error</c>: every reset then reaches the consume loop, which applies <see cref="InitialOffset"/> or
    /// <see cref="OffsetOutOfRange"/> and reports what it skipped, instead of librdkafka moving on in silence.
    /// </summary>
    internal ConsumerConfig ToConsumerConfig()
    {
        if (!Properties.ContainsKey("bootstrap.servers"))
            throw new ArgumentException("bootstrap.servers is not set: use WithBootstrapServers or akka.kafka.consumer.kafka-clients");
        return new ConsumerConfig(Properties.SetItem("auto.offset.reset", "error").ToDictionary());
    }

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");

    private static int AtLeastOne(int value) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be at least 1");

    private static long AtLeastOne(long value) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be at least 1");
}
