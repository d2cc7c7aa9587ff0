using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace SiemActors.Kafka.Settings;

/// <summary>Flattens a <c>kafka-clients</c> HOCON block (<c>enable { auto { commit = false } }</c>) to librdkafka keys.</summary>
internal static class KafkaClientProperties
{
    public static ImmutableDictionary<string, string> From(Config section)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (section.IsEmpty || !section.HasPath("kafka-clients")) return builder.ToImmutable();
        Flatten(section.GetValue("kafka-clients").GetObject(), "", builder);
        return builder.ToImmutable();
    }

    private static void Flatten(HoconObject obj, string prefix, ImmutableDictionary<string, string>.Builder into)
    {
        foreach (var (key, value) in obj.Items)
        {
            var name = prefix.Length == 0 ? key : prefix + "." + key;
            if (value.IsObject()) Flatten(value.GetObject(), name, into);
            else into[name] = value.GetString();
        }
    }
}
