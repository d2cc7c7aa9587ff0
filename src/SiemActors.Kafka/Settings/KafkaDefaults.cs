using Akka.Actor;
using Akka.Configuration;

namespace SiemActors.Kafka.Settings;

/// <summary>The embedded <c>reference.conf</c>: the only place the stages' defaults are written.</summary>
public static class KafkaDefaults
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Kafka.reference.conf", typeof(KafkaDefaults).Assembly));

    /// <summary>The whole <c>akka.kafka</c> tree of defaults.</summary>
    public static Config Config => Reference.Value;

    /// <summary><paramref name="path"/> of the system's config, falling back to the defaults.</summary>
    internal static Config Section(ActorSystem system, string path) =>
        system.Settings.Config.WithFallback(Config).GetConfig(path);

    /// <summary><paramref name="path"/> of the given config, falling back to the defaults.</summary>
    internal static Config Section(Config config, string path) =>
        config.WithFallback(Config).GetConfig(path);
}
