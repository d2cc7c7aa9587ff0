using Akka.Configuration;
using SiemActors.Security;

namespace SiemActors.Auth;

/// <summary>
/// <c>siem.api.auth.oidc</c>: tokens from the organisation's OpenID Connect issuer, checked with the keys of its JWKS
/// (RS256, ES256), which the node fetches from the issuer's discovery document, caches, and fetches again on its
/// refresh interval and whenever a token names a key it does not know (a rotation). Empty issuer: off.
/// </summary>
public sealed record OidcSettings
{
    public required string Issuer { get; init; }

    public required string Audience { get; init; }

    /// <summary>The discovery document; empty: <c>&lt;issuer&gt;/.well-known/openid-configuration</c>.</summary>
    public required string MetadataAddress { get; init; }

    /// <summary>Refuse an issuer reached over plain HTTP (off only for tests on loopback).</summary>
    public required bool RequireHttps { get; init; }

    /// <summary>How often the keys are fetched again when nothing asks sooner.</summary>
    public required TimeSpan RefreshInterval { get; init; }

    /// <summary>The least time between two fetches caused by an unknown key (a flood of forged key ids cannot make the node hammer the issuer).</summary>
    public required TimeSpan MinimumRefreshInterval { get; init; }

    public required IReadOnlyList<string> Algorithms { get; init; }

    /// <summary>TLS to the issuer (its CA when it is not one the system trusts).</summary>
    public required TlsClientSettings Tls { get; init; }

    /// <summary>The UI's client id at the issuer (authorization code + PKCE); empty: the UI keeps the token sign-in.</summary>
    public required string UiClientId { get; init; }

    public required string UiScopes { get; init; }

    public bool Enabled => Issuer.Length > 0;

    public string Metadata => MetadataAddress.Length > 0 ? MetadataAddress : Issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    public static OidcSettings FromConfig(Config auth)
    {
        const string path = "siem.api.auth.oidc";
        var oidc = auth.HasPath("oidc") ? auth.GetConfig("oidc") : Config.Empty;
        var settings = new OidcSettings
        {
            Issuer = oidc.GetString("issuer", ""),
            Audience = oidc.GetString("audience", ""),
            MetadataAddress = oidc.GetString("metadata-address", ""),
            RequireHttps = oidc.GetBoolean("require-https", true),
            RefreshInterval = oidc.GetTimeSpan("refresh-interval", TimeSpan.FromHours(1)),
            MinimumRefreshInterval = oidc.GetTimeSpan("minimum-refresh-interval", TimeSpan.FromSeconds(30)),
            Algorithms = (oidc.GetStringList("algorithms") is { Count: > 0 } algorithms ? algorithms : ["RS256", "ES256"]).ToList(),
            Tls = TlsClientSettings.FromConfig(oidc, path, enabledByDefault: true),
            UiClientId = oidc.GetString("ui-client-id", ""),
            UiScopes = oidc.GetString("ui-scopes", "openid profile"),
        };
        if (!settings.Enabled) return settings;
        if (!Uri.TryCreate(settings.Issuer, UriKind.Absolute, out var issuer))
            throw new ConfigurationException($"{path}.issuer \"{settings.Issuer}\" is not a URL");
        if (settings.Audience.Length == 0) throw new ConfigurationException($"{path}.audience is empty: name the audience the issuer puts in tokens for this node");
        if (settings.RequireHttps && (issuer.Scheme != Uri.UriSchemeHttps || !settings.Metadata.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            throw new ConfigurationException($"{path}: the issuer and its metadata must be https:// (require-https)");
        var unknown = settings.Algorithms.Except(["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"]).ToList();
        if (unknown.Count > 0) throw new ConfigurationException($"{path}.algorithms: {string.Join(", ", unknown)} not accepted (asymmetric algorithms only)");
        return settings;
    }
}
