using Akka.Configuration;

namespace SiemActors.Node;

/// <summary>
/// The node's configuration: <c>hocon/siem.conf</c> (over the starter rules of <c>hocon/detections.conf</c>), then each <c>--config FILE</c> over it (later files win), then
/// environment variables, then command-line options (<see cref="NodeOverrides"/>), over the libraries' embedded defaults. Kafka's bootstrap servers come from <c>siem.kafka.bootstrap-servers</c>, else
/// from <c>.siem/kafka.bootstrap</c> (written by <c>siemctl kafka up</c>) at or above the current directory.
/// </summary>
public sealed record NodeConfig(Config Hocon, string BootstrapServers, IReadOnlyList<string> Roles, string Hostname,
    string PublicHostname, int Port, IReadOnlyList<string> SeedNodes)
{
    public const string SystemName = "siem";

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>How every Kafka client of the node authenticates and encrypts (<c>siem.kafka.security</c>).</summary>
    public Pipeline.KafkaSecurity KafkaSecurity { get; init; } = Pipeline.KafkaSecurity.None;

    /// <summary>Bootstrap servers and security: the whole configuration of an admin or lag client.</summary>
    public IReadOnlyDictionary<string, string> KafkaClient => KafkaSecurity.ClientConfig(BootstrapServers);

    /// <summary>From the node's command line and environment (<see cref="NodeOverrides"/> for the precedence).</summary>
    public static NodeConfig FromCommandLine(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var (files, fromEnvironment, fromCommandLine) = NodeOverrides.Parse(args, environment ?? Environment.GetEnvironmentVariable);
        return Load(files, fromEnvironment, fromCommandLine);
    }

    public static NodeConfig Load(IReadOnlyList<string> files, string environmentOverrides = "", string commandLineOverrides = "")
    {
        var baseFile = Path.Combine(AppContext.BaseDirectory, "hocon", "siem.conf");
        var config = Parse(baseFile);
        // The starter detection rules sit under siem.conf: any file or override that sets siem.detection.rules wins.
        var detections = Path.Combine(AppContext.BaseDirectory, "hocon", "detections.conf");
        if (File.Exists(detections)) config = config.WithFallback(Parse(detections));
        foreach (var file in files) config = Parse(file).WithFallback(config);
        config = ConfigurationFactory.ParseString(environmentOverrides).WithFallback(config);
        config = ConfigurationFactory.ParseString(commandLineOverrides).WithFallback(config);

        var node = config.GetConfig("siem.node");
        // Defaults: hocon/siem.conf, always loaded first.
        var hostname = node.GetString("hostname");
        var publicHostname = node.GetString("public-hostname", "");
        if (string.IsNullOrWhiteSpace(publicHostname)) publicHostname = hostname;
        var port = node.GetInt("port");
        var roles = node.GetStringList("roles").ToList();
        // With TLS between nodes (siem.node.tls) Akka's protocol is akka.ssl.tcp: seeds written as akka.tcp are taken as such.
        var protocol = node.GetBoolean("tls.enabled", false) ? "akka.ssl.tcp" : "akka.tcp";
        var seeds = node.GetStringList("seed-nodes", []).Select(s => protocol == "akka.ssl.tcp" && s.StartsWith("akka.tcp://", StringComparison.Ordinal)
            ? "akka.ssl.tcp://" + s["akka.tcp://".Length..] : s).ToList();
        if (seeds.Count == 0) seeds.Add($"{protocol}://{SystemName}@{publicHostname}:{port}");
        return new NodeConfig(config, ResolveBootstrapServers(config), roles, hostname, publicHostname, port, seeds)
        {
            KafkaSecurity = Pipeline.KafkaSecurity.FromConfig(config),
        };
    }

    private static Config Parse(string file)
    {
        if (!File.Exists(file)) throw new NodeConfigException($"config file {file} does not exist");
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(file));
        }
        catch (Exception ex)
        {
            throw new NodeConfigException($"config file {file} is not valid HOCON: {ex.Message}");
        }
    }

    private static string ResolveBootstrapServers(Config config)
    {
        var configured = config.GetString("siem.kafka.bootstrap-servers", "");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".siem", "kafka.bootstrap");
            if (File.Exists(file)) return File.ReadAllText(file).Trim();
        }
        throw new NodeConfigException(
            "no Kafka bootstrap servers: set siem.kafka.bootstrap-servers, or run `siemctl kafka up` (it writes .siem/kafka.bootstrap)");
    }
}

/// <summary>A configuration the node cannot start with; the message says what to change.</summary>
public sealed class NodeConfigException(string message) : Exception(message);
