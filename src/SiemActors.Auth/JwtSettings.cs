using System.Security.Cryptography;
using System.Text;
using Akka.Configuration;

namespace SiemActors.Auth;

/// <summary>
/// <c>siem.api.auth</c>: how analysts' JWTs are signed and checked. The secret comes from the environment variable
/// named by <c>secret-env</c>, else <c>secret</c>, else <c>secret-file</c> (created with a random secret when missing).
/// <see cref="ToString"/> never shows it.
/// </summary>
public sealed record JwtSettings
{
    public const int MinimumSecretBytes = 32;

    public required string Issuer { get; init; }

    public required string Audience { get; init; }

    public required TimeSpan TokenLifetime { get; init; }

    public required TimeSpan ClockSkew { get; init; }

    public required string ConfiguredSecret { get; init; }

    public required string SecretEnvironmentVariable { get; init; }

    public required string SecretFile { get; init; }

    /// <summary>Where a token's roles are and how they map to the node's (<c>roles</c>).</summary>
    public required RoleMapping Roles { get; init; }

    /// <summary>Tokens of the organisation's OpenID Connect issuer (<c>oidc</c>); off when its issuer is empty.</summary>
    public required OidcSettings Oidc { get; init; }

    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Auth.reference.conf", typeof(JwtSettings).Assembly));

    /// <summary>From a config holding <c>siem.api.auth</c> (the node's whole config); missing keys take the defaults.</summary>
    public static JwtSettings FromConfig(Config config) => Create(config.WithFallback(Reference.Value).GetConfig("siem.api.auth"));

    /// <summary>From the <c>siem.api.auth</c> section itself, complete.</summary>
    public static JwtSettings Create(Config auth) => new()
    {
        Issuer = auth.GetString("issuer"),
        Audience = auth.GetString("audience"),
        TokenLifetime = auth.GetTimeSpan("token-lifetime"),
        ClockSkew = auth.GetTimeSpan("clock-skew"),
        ConfiguredSecret = auth.GetString("secret", ""),
        SecretEnvironmentVariable = auth.GetString("secret-env", ""),
        SecretFile = auth.GetString("secret-file", ""),
        Roles = RoleMapping.FromConfig(auth),
        Oidc = OidcSettings.FromConfig(auth),
    };

    /// <summary>The signing key's bytes; throws <see cref="ConfigurationException"/> when there is none.</summary>
    public byte[] Secret()
    {
        var fromEnvironment = SecretEnvironmentVariable.Length > 0 ? Environment.GetEnvironmentVariable(SecretEnvironmentVariable) : null;
        if (!string.IsNullOrEmpty(fromEnvironment)) return Checked(fromEnvironment, $"environment variable {SecretEnvironmentVariable}");
        if (ConfiguredSecret.Length > 0) return Checked(ConfiguredSecret, "siem.api.auth.secret");
        if (SecretFile.Length == 0)
            throw new ConfigurationException("no JWT secret: set siem.api.auth.secret, the secret-env variable, or secret-file");
        return Checked(Auth.SecretFile.ReadOrCreate(Path.GetFullPath(SecretFile), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48))),
            $"secret file {SecretFile}");
    }

    private static byte[] Checked(string secret, string from)
    {
        var bytes = Encoding.UTF8.GetBytes(secret.Trim());
        if (bytes.Length < MinimumSecretBytes)
            throw new ConfigurationException($"the JWT secret from {from} is {bytes.Length} bytes; HS256 needs at least {MinimumSecretBytes}");
        return bytes;
    }

    public override string ToString() => $"JwtSettings {{ Issuer = {Issuer}, Audience = {Audience}, TokenLifetime = {TokenLifetime}, Secret = *** }}";
}
