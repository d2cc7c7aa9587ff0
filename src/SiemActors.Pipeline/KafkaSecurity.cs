using System.Collections.Immutable;
using Akka.Configuration;
using SiemActors.Security;

namespace SiemActors.Pipeline;

/// <summary>
/// <c>siem.kafka.security</c>: how every Kafka client of the node (the consumer, the dead-letter and output producers,
/// the admin and lag clients) authenticates and encrypts — as librdkafka properties. Passwords come from the
/// environment or files, never from HOCON. <see cref="ToString"/> shows no secret.
/// </summary>
public sealed class KafkaSecurity
{
    private static readonly string[] Protocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];
    private static readonly string[] Mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

    private KafkaSecurity(ImmutableDictionary<string, string> properties, string description)
    {
        Properties = properties;
        _description = description;
    }

    private readonly string _description;

    /// <summary>No security: plaintext, as the embedded broker speaks.</summary>
    public static KafkaSecurity None { get; } = new(ImmutableDictionary<string, string>.Empty, "plaintext");

    /// <summary>The librdkafka properties to add to every client's configuration (empty for plaintext).</summary>
    public ImmutableDictionary<string, string> Properties { get; }

    /// <summary>From a config holding <c>siem.kafka.security</c> (absent: plaintext). Throws <see cref="ConfigurationException"/>.</summary>
    public static KafkaSecurity FromConfig(Config config)
    {
        const string path = "siem.kafka.security";
        if (!config.HasPath(path)) return None;
        var section = config.GetConfig(path);
        var protocol = section.GetString("protocol", "plaintext").ToLowerInvariant();
        if (!Protocols.Contains(protocol))
            throw new ConfigurationException($"{path}.protocol must be one of {string.Join(", ", Protocols)}, not \"{protocol}\"");
        if (protocol == "plaintext") return None;
        var properties = ImmutableDictionary.CreateBuilder<string, string>();
        properties["security.protocol"] = protocol;
        var description = protocol;
        if (protocol.StartsWith("sasl", StringComparison.Ordinal))
        {
            var sasl = section.GetConfig("sasl") ?? Config.Empty;
            var mechanism = sasl.GetString("mechanism", "SCRAM-SHA-512").ToUpperInvariant();
            if (!Mechanisms.Contains(mechanism))
                throw new ConfigurationException($"{path}.sasl.mechanism must be one of {string.Join(", ", Mechanisms)}, not \"{mechanism}\"");
            var username = sasl.GetString("username", "");
            if (username.Length == 0) throw new ConfigurationException($"{path}.sasl.username is empty (protocol {protocol})");
            var password = Secrets.Read(sasl, "password", path + ".sasl");
            if (password.Length == 0) throw new ConfigurationException($"{path}.sasl: set password-env or password-file (protocol {protocol})");
            properties["sasl.mechanism"] = mechanism;
            properties["sasl.username"] = username;
            properties["sasl.password"] = password;
            description += $" {mechanism} as {username}";
        }
        if (protocol.EndsWith("ssl", StringComparison.Ordinal))
        {
            var ssl = section.GetConfig("ssl") ?? Config.Empty;
            File(ssl, "ca-file", "ssl.ca.location", properties, path);
            File(ssl, "cert-file", "ssl.certificate.location", properties, path);
            File(ssl, "key-file", "ssl.key.location", properties, path);
            if (properties.ContainsKey("ssl.certificate.location") != properties.ContainsKey("ssl.key.location"))
                throw new ConfigurationException($"{path}.ssl: cert-file and key-file go together");
            var keyPassword = Secrets.Read(ssl, "key-password", path + ".ssl");
            if (keyPassword.Length > 0) properties["ssl.key.password"] = keyPassword;
            // The broker's certificate must name the broker (librdkafka's default since 2.0; said here so it stays so).
            properties["ssl.endpoint.identification.algorithm"] = ssl.GetBoolean("verify-hostname", true) ? "https" : "none";
            description += properties.TryGetValue("ssl.ca.location", out var ca) ? $", CA {ca}" : ", system CAs";
        }
        return new KafkaSecurity(properties.ToImmutable(), description);
    }

    private static void File(Config ssl, string key, string property, ImmutableDictionary<string, string>.Builder properties, string path)
    {
        var file = ssl.GetString(key, "");
        if (file.Length == 0) return;
        if (!System.IO.File.Exists(file)) throw new ConfigurationException($"{path}.ssl.{key}: {file} does not exist");
        properties[property] = file;
    }

    /// <summary>Bootstrap servers and these properties: the whole configuration of an admin or lag client.</summary>
    public IReadOnlyDictionary<string, string> ClientConfig(string bootstrapServers) => Properties.SetItem("bootstrap.servers", bootstrapServers);

    public override string ToString() => _description;
}
