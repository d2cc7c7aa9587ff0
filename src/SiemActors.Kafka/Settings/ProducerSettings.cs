using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Config = Akka.Configuration.Config;
using Confluent.Kafka;

namespace SiemActors.Kafka.Settings;

/// <summary>Immutable settings of a producer stage; defaults come from <c>akka.kafka.producer</c>.</summary>
public sealed record ProducerSettings<TKey, TValue>
{
    private ProducerSettings(Config section, ISerializer<TKey>? keySerializer, ISerializer<TValue>? valueSerializer)
    {
        KeySerializer = keySerializer;
        ValueSerializer = valueSerializer;
        Parallelism = section.GetInt("parallelism");
        CloseTimeout = section.GetTimeSpan("close-timeout");
        Properties = KafkaClientProperties.From(section);
    }

    public static ProducerSettings<TKey, TValue> Create(ActorSystem system, ISerializer<TKey>? keySerializer,
        ISerializer<TValue>? valueSerializer) =>
        new(KafkaDefaults.Section(system, "akka.kafka.producer"), keySerializer, valueSerializer);

    public static ProducerSettings<TKey, TValue> Create(Config config, ISerializer<TKey>? keySerializer,
        ISerializer<TValue>? valueSerializer) =>
        new(KafkaDefaults.Section(config, "akka.kafka.producer"), keySerializer, valueSerializer);

    /// <summary>Null: Confluent.Kafka's built-in serializer for the type.</summary>
    public ISerializer<TKey>? KeySerializer { get; init; }

    public ISerializer<TValue>? ValueSerializer { get; init; }

    public int Parallelism { get; init; }

    public TimeSpan CloseTimeout { get; init; }

    public ImmutableDictionary<string, string> Properties { get; init; }

    public ProducerSettings<TKey, TValue> WithBootstrapServers(string servers) => WithProperty("bootstrap.servers", servers);

    public ProducerSettings<TKey, TValue> WithProperty(string key, string value) => this with { Properties = Properties.SetItem(key, value) };

    public ProducerSettings<TKey, TValue> WithProperties(IEnumerable<KeyValuePair<string, string>> properties) =>
        this with { Properties = Properties.SetItems(properties) };

    public ProducerSettings<TKey, TValue> WithParallelism(int parallelism) =>
        this with { Parallelism = parallelism >= 1 ? parallelism : throw new ArgumentOutOfRangeException(nameof(parallelism)) };

    public ProducerSettings<TKey, TValue> WithCloseTimeout(TimeSpan timeout) => this with { CloseTimeout = timeout };

    /// <summary>The librdkafka properties as Confluent.Kafka's config type (for admin clients and limits read from it).</summary>
    public ProducerConfig ToProducerConfig() => new(Properties.ToDictionary());

    /// <summary>Builds a producer with these settings; the caller owns and disposes it (flushing first: <see cref="Dsl.SharedProducer{TKey,TValue}"/>).</summary>
    public IProducer<TKey, TValue> CreateKafkaProducer(Action<IProducer<TKey, TValue>, Error>? onError = null)
    {
        if (!Properties.ContainsKey("bootstrap.servers"))
            throw new ArgumentException("bootstrap.servers is not set: use WithBootstrapServers or akka.kafka.producer.kafka-clients");
        var builder = new ProducerBuilder<TKey, TValue>(ToProducerConfig());
        if (KeySerializer is not null) builder.SetKeySerializer(KeySerializer);
        if (ValueSerializer is not null) builder.SetValueSerializer(ValueSerializer);
        if (onError is not null) builder.SetErrorHandler(onError);
        return builder.Build();
    }
}
