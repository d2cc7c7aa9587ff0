using System.Security.Cryptography;
using Akka.Configuration;
using SiemActors.Auth;

namespace SiemActors.Management;

/// <summary><c>siem.management</c> and <c>siem.metrics</c>; defaults in the embedded <c>reference.conf</c>.</summary>
public sealed record ManagementSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Management.reference.conf", typeof(ManagementSettings).Assembly));

    public required string ConfiguredToken { get; init; }

    public required string TokenEnvironmentVariable { get; init; }

    public required string TokenFile { get; init; }

    public required string MetricsHost { get; init; }

    /// <summary>0: /metrics is served on the node's HTTP port.</summary>
    public required int MetricsPort { get; init; }

    public static ManagementSettings Create(Config config)
    {
        var all = config.WithFallback(Reference.Value);
        var management = all.GetConfig("siem.management");
        var metrics = all.GetConfig("siem.metrics");
        var port = metrics.GetInt("port");
        if (port is < 0 or > 65535) throw new ConfigurationException($"siem.metrics.port must be 0-65535 (got {port})");
        return new ManagementSettings
        {
            ConfiguredToken = management.GetString("token", ""),
            TokenEnvironmentVariable = management.GetString("token-env", ""),
            TokenFile = management.GetString("token-file", ""),
            MetricsHost = metrics.GetString("host"),
            MetricsPort = port,
        };
    }

    /// <summary>The management token: environment, else configured, else the token file (created when missing).</summary>
    public string Token()
    {
        var fromEnvironment = TokenEnvironmentVariable.Length > 0 ? Environment.GetEnvironmentVariable(TokenEnvironmentVariable) : null;
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Checked(fromEnvironment.Trim(), $"environment variable {TokenEnvironmentVariable}");
        if (ConfiguredToken.Length > 0) return Checked(ConfiguredToken, "siem.management.token");
        if (TokenFile.Length == 0) throw new ConfigurationException("no management token: set siem.management.token, the token-env variable, or token-file");
        return Checked(SecretFile.ReadOrCreate(Path.GetFullPath(TokenFile), () => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant()),
            $"token file {TokenFile}");
    }

    private static string Checked(string token, string from) =>
        token.Length >= 16 ? token : throw new ConfigurationException($"the management token from {from} is shorter than 16 characters");

    public override string ToString() => $"ManagementSettings {{ MetricsHost = {MetricsHost}, MetricsPort = {MetricsPort}, Token = *** }}";
}
