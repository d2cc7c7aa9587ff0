using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>An api host that also accepts the tokens of a <see cref="TestIssuer"/>, with a role mapping of the provider's group names.</summary>
public sealed class OidcApiHost : ApiHost
{
    public const string Audience = "siem-node-tests";

    public TestIssuer Issuer { get; private set; } = null!;

    protected override string ExtraConfig => $$"""
        siem.api.auth {
          roles.map { "soc-tier1" = viewer, "soc-tier2" = responder, "siem-admins" = admin }
          oidc { issuer = "{{Issuer.Issuer}}", audience = "{{Audience}}", require-https = off, minimum-refresh-interval = 1s }
        }
        """;

    public override async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

/// <summary>
/// Tokens of the organisation's OpenID Connect issuer (docs/security.md): RS256 and ES256 verified with the keys of
/// its JWKS, a key rotation followed without a restart, the provider's groups mapped to roles — and everything that
/// is not exactly such a token refused.
/// </summary>
public sealed class OidcTests(OidcApiHost host) : IClassFixture<OidcApiHost>
{
    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha256)]
    [InlineData(SecurityAlgorithms.EcdsaSha256)]
    public async Task A_token_of_the_issuer_is_accepted_with_the_roles_its_groups_map_to(string algorithm)
    {
        using var http = host.Http(host.Issuer.Token("carol", OidcApiHost.Audience, ["soc-tier2"], algorithm));
        var me = await Json(http, "/api/me", HttpStatusCode.OK);
        Assert.Equal("carol", me.GetProperty("user").GetString());
        Assert.Equal(["viewer", "responder"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        await Json(http, "/api/events", HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_the_issuer_rotates_its_keys_new_tokens_verify_at_once_and_old_ones_no_longer()
    {
        var before = host.Issuer.Token("dave", OidcApiHost.Audience, ["soc-tier1"]);
        using (var http = host.Http(before)) await Json(http, "/api/events", HttpStatusCode.OK);

        host.Issuer.Rotate();
        var fetches = host.Issuer.JwksFetches;
        var after = host.Issuer.Token("dave", OidcApiHost.Audience, ["soc-tier1"]);
        // An unknown key id: the node fetches the JWKS again and verifies in the same request — unless another unknown key
        // id forced a fetch less than minimum-refresh-interval (1 s here) ago, as a test of forged tokens may have.
        using (var http = host.Http(after))
            await SiemActors.Testing.Eventually.True(async () => (await http.GetAsync("/api/events")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5),
                "a token signed with the issuer's new key was not accepted", TimeSpan.FromMilliseconds(300));
        Assert.True(host.Issuer.JwksFetches > fetches, "the node did not fetch the keys again for a token with a new key id");
        using (var http = host.Http(before)) await Json(http, "/api/events", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tokens_of_another_issuer_for_another_audience_expired_or_unsigned_are_refused()
    {
        await using var other = await TestIssuer.StartAsync();
        // Another issuer altogether: not the configured one, and not a development token either.
        await Refused(other.Token("mallory", OidcApiHost.Audience, ["siem-admins"]));
        // Another issuer's key under our issuer's name.
        await Refused(other.Token("mallory", OidcApiHost.Audience, ["siem-admins"], issuer: host.Issuer.Issuer));
        await Refused(host.Issuer.Token("erin", "some-other-service", ["soc-tier1"]));
        await Refused(host.Issuer.Token("erin", OidcApiHost.Audience, ["soc-tier1"], lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-1)));
        // alg none: the same claims, no signature.
        var signed = host.Issuer.Token("erin", OidcApiHost.Audience, ["siem-admins"]);
        var parts = signed.Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        await Refused($"{header}.{parts[1]}.");
        // An HS256 token naming our issuer, signed with the development secret: the issuer's tokens are asymmetric only.
        var hs = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = host.Issuer.Issuer, Audience = OidcApiHost.Audience, Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["preferred_username"] = "mallory", ["roles"] = new[] { "siem-admins" } },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(ApiHost.Secret)), SecurityAlgorithms.HmacSha256),
        });
        await Refused(hs);
        // Not tokens at all: refused, never a 500.
        foreach (var garbage in new[] { "x", "a.b", "a.b.c.d.e", "eyJhbGciOiJSUzI1NiJ9.e30.", "....", new string('A', 6_000) }) await Refused(garbage);
    }

    [Fact]
    public async Task A_token_of_the_issuer_without_a_known_group_signs_in_but_may_do_nothing()
    {
        using var http = host.Http(host.Issuer.Token("frank", OidcApiHost.Audience, ["marketing"]));
        var me = await Json(http, "/api/me", HttpStatusCode.OK);
        Assert.Empty(me.GetProperty("roles").EnumerateArray());
        await Json(http, "/api/events", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Development_tokens_still_work_beside_the_issuer()
    {
        using var http = host.Http(host.Token("alice"));
        await Json(http, "/api/events", HttpStatusCode.OK);
    }

    private async Task Refused(string token)
    {
        using var http = host.Http(token);
        await Json(http, "/api/events", HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonElement> Json(HttpClient http, string path, HttpStatusCode expected)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return body.Length > 0 && body.TrimStart().StartsWith('{') ? JsonDocument.Parse(body).RootElement.Clone() : default;
    }
}
