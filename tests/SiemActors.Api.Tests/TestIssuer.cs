using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SiemActors.Api.Tests;

/// <summary>
/// A small OpenID Connect issuer on loopback, of the tests' own: a discovery document, a JWKS with its current keys
/// (an RSA and an EC key), and tokens it signs. <see cref="Rotate"/> replaces the keys, as a provider's key rotation does.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private (RsaSecurityKey Rsa, ECDsaSecurityKey Ec) _keys = NewKeys();

    private TestIssuer(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = "";

    /// <summary>How many times the JWKS was fetched.</summary>
    public int JwksFetches;

    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var issuer = new TestIssuer(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer.Issuer, ["jwks_uri"] = issuer.Issuer + "/jwks",
            ["authorization_endpoint"] = issuer.Issuer + "/authorize", ["token_endpoint"] = issuer.Issuer + "/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref issuer.JwksFetches);
            lock (issuer._gate)
            {
                var keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(issuer._keys.Rsa), JsonWebKeyConverter.ConvertFromECDsaSecurityKey(issuer._keys.Ec) }
                    .Select(k => new Dictionary<string, string?>
                    {
                        ["kty"] = k.Kty, ["kid"] = k.Kid, ["use"] = "sig", ["n"] = k.N, ["e"] = k.E, ["crv"] = k.Crv, ["x"] = k.X, ["y"] = k.Y,
                    }.Where(p => p.Value is not null).ToDictionary());
                return Results.Json(new { keys });
            }
        });
        await app.StartAsync();
        issuer.Issuer = app.Urls.First().TrimEnd('/');
        return issuer;
    }

    private static (RsaSecurityKey, ECDsaSecurityKey) NewKeys() =>
        (new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-" + Guid.NewGuid().ToString("N")[..8] },
            new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-" + Guid.NewGuid().ToString("N")[..8] });

    /// <summary>New keys replace the old ones in the JWKS: tokens signed before no longer verify once the node refetched.</summary>
    public void Rotate()
    {
        lock (_gate) _keys = NewKeys();
    }

    /// <summary>A token of this issuer (or of <paramref name="issuer"/>), signed RS256 or ES256 with the current key.</summary>
    public string Token(string user, string audience, IEnumerable<string>? roles = null, string algorithm = SecurityAlgorithms.RsaSha256,
        string? issuer = null, TimeSpan? lifetime = null, DateTime? now = null)
    {
        SecurityKey key;
        lock (_gate) key = algorithm == SecurityAlgorithms.EcdsaSha256 ? _keys.Ec : _keys.Rsa;
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", "id-" + user), new("preferred_username", user) };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer, Audience = audience, IssuedAt = issuedAt, NotBefore = issuedAt, Expires = issuedAt + (lifetime ?? TimeSpan.FromMinutes(10)),
            Subject = new ClaimsIdentity(claims), SigningCredentials = new SigningCredentials(key, algorithm),
        };
        if (roles is not null) descriptor.Claims = new Dictionary<string, object> { ["roles"] = roles.ToArray() };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
