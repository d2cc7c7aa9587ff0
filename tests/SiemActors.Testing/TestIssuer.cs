using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SiemActors.Testing;

/// <summary>
/// A small OpenID Connect issuer on loopback, of the tests' own: a discovery document, a JWKS with its current keys
/// (an RSA and an EC key), and tokens it signs. <see cref="Rotate"/> replaces the keys, as a provider's key rotation does.
/// It also signs a browser in with the authorization code flow and PKCE: <c>/authorize</c> approves at once as
/// <see cref="SignInAs"/> and <c>/token</c> checks the code verifier against the challenge before it issues an access token.
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

    /// <summary>Who <c>/authorize</c> signs in, with which groups, for which audience.</summary>
    public (string User, string[] Roles, string Audience) SignInAs { get; set; } = ("olivia", ["soc-tier2"], "siem");

    /// <summary>Token requests refused (a wrong verifier, client or redirect).</summary>
    public int TokenRefusals;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Challenge, string Client, string Redirect)> _codes = new();

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
        app.MapGet("/authorize", (HttpContext http) =>
        {
            var q = http.Request.Query;
            if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
                return Results.BadRequest("authorization code with PKCE (S256) only");
            var code = Guid.NewGuid().ToString("N");
            issuer._codes[code] = (q["code_challenge"]!, q["client_id"]!, q["redirect_uri"]!);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}");
        });
        app.MapPost("/token", async (HttpContext http) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*"; // a public client's token request from the browser
            var form = await http.Request.ReadFormAsync();
            var verifier = form["code_verifier"].ToString();
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
            if (!issuer._codes.TryRemove(form["code"].ToString(), out var issued) || form["grant_type"] != "authorization_code"
                || issued.Challenge != challenge || issued.Client != form["client_id"] || issued.Redirect != form["redirect_uri"])
            {
                Interlocked.Increment(ref issuer.TokenRefusals);
                return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_grant" }, statusCode: 400);
            }
            var (user, roles, audience) = issuer.SignInAs;
            return Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = issuer.Token(user, audience, roles), ["token_type"] = "Bearer", ["expires_in"] = 600,
            });
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
