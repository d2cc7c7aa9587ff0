using System.Net.Security;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using SiemActors.Api.Http;
using SiemActors.Auth;
using SiemActors.Persistence.Redis;
using SiemActors.Security;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>The security settings on their own: TLS trust, secrets, roles from claims, the node's HTTPS and CORS — and their errors.</summary>
public sealed class SecuritySettingsTests : IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    private static Config Hocon(string text) => ConfigurationFactory.ParseString(text);

    [Fact]
    public void A_certificate_of_the_configured_CA_is_trusted_and_one_of_another_CA_is_refused_with_the_reason()
    {
        var tls = TlsClientSettings.FromConfig(Hocon($"tls {{ enabled = on, ca-file = \"{_pki.CaFile}\" }}"), "x");
        using var server = X509Certificate2.CreateFromPem(File.ReadAllText(_pki.ServerCertFile));
        using var intruder = X509Certificate2.CreateFromPem(File.ReadAllText(_pki.IntruderCertFile));
        Assert.True(tls.Validate(server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(tls.Validate(intruder, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("does not chain to a CA of", tls.LastRejection);
        Assert.False(tls.Validate(server, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Contains("does not name the host", tls.LastRejection);
    }

    [Fact]
    public void Wrong_TLS_files_stop_the_node_at_start_with_the_key()
    {
        var notPem = Path.Combine(_pki.Directory, "not.pem");
        File.WriteAllText(notPem, "hello");
        Assert.Contains("holds no PEM certificate", Assert.Throws<ConfigurationException>(() =>
            TlsClientSettings.FromConfig(Hocon($"tls {{ enabled = on, ca-file = \"{notPem}\" }}"), "siem.sinks.redis")).Message);
        Assert.Contains("cert-file and key-file go together", Assert.Throws<ConfigurationException>(() =>
            TlsClientSettings.FromConfig(Hocon($"tls {{ enabled = on, cert-file = \"{_pki.ClientCertFile}\" }}"), "siem.sinks.redis")).Message);
        Assert.Contains("cannot be loaded", Assert.Throws<ConfigurationException>(() =>
            TlsClientSettings.FromConfig(Hocon($"tls {{ enabled = on, cert-file = \"{_pki.ClientCertFile}\", key-file = \"{_pki.ServerKeyFile}\" }}"), "x")).Message);
        Assert.False(TlsClientSettings.FromConfig(Hocon(""), "x").Enabled);
    }

    [Fact]
    public void Passwords_come_from_files_or_the_environment_and_are_never_printed()
    {
        var file = Path.Combine(_pki.Directory, "redis.pw");
        File.WriteAllText(file, "  pw-from-file\n");
        var redis = RedisClientSettings.FromConfig(Hocon($"connection = \"127.0.0.1:6379\", user = siem, password-file = \"{file}\""), "siem.sinks.redis");
        Assert.Equal("pw-from-file", redis.Options().Password);
        Assert.Equal("siem", redis.Options().User);
        Assert.False(redis.Options().AllowAdmin);
        Assert.DoesNotContain("pw-from-file", redis.ToString());
        Assert.DoesNotContain("pw-from-file", redis.ToHocon());
        Assert.Contains("keep it out of connection", Assert.Throws<ConfigurationException>(() =>
            RedisClientSettings.FromConfig(Hocon($"connection = \"127.0.0.1:6379,password=inline\", password-file = \"{file}\""), "siem.sinks.redis")).Message);

        var clickHouse = ClickHouseSinkSettings.Create(Hocon($"siem.sinks.clickhouse {{ user = siem, password-file = \"{file}\" }}"));
        Assert.Equal("pw-from-file", clickHouse.Password);
        Assert.DoesNotContain("pw-from-file", clickHouse.ToString());
        Assert.Contains("use https://", Assert.Throws<ConfigurationException>(() =>
            ClickHouseSinkSettings.Create(Hocon("siem.sinks.clickhouse.tls.enabled = on"))).Message);
        Assert.True(ClickHouseSinkSettings.Create(Hocon("siem.sinks.clickhouse.url = \"https://ch:8443\"")).Tls.Enabled);
    }

    [Theory]
    [InlineData("roles", new[] { "responder" }, "viewer,responder")]
    [InlineData("roles", new[] { "viewer responder" }, "viewer,responder")]
    [InlineData("roles", new[] { "soc-tier2" }, "viewer,responder")]
    [InlineData("roles", new[] { "siem-admins", "viewer" }, "viewer,responder,admin")]
    [InlineData("roles", new[] { "marketing", "Admin" }, "")]
    [InlineData("groups", new[] { "admin" }, "")]
    public void Roles_are_read_from_the_configured_claim_and_mapped(string claim, string[] values, string expected)
    {
        var mapping = RoleMapping.FromConfig(Hocon("""roles { claim = roles, map { "soc-tier2" = responder, "siem-admins" = admin } }"""));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(values.Select(v => new Claim(claim, v))));
        Assert.Equal(expected, string.Join(',', mapping.RolesOf(principal)));
    }

    [Fact]
    public void Roles_may_sit_in_a_JSON_claim_such_as_Keycloaks_realm_access()
    {
        var mapping = RoleMapping.FromConfig(Hocon("roles.claim = realm_access.roles"));
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("realm_access", """{"roles":["offline_access","admin"]}""")]));
        Assert.Equal(["viewer", "responder", "admin"], mapping.RolesOf(principal));
        Assert.Contains("not viewer, responder or admin", Assert.Throws<ConfigurationException>(() =>
            RoleMapping.FromConfig(Hocon("""roles.map { "x" = superuser }"""))).Message);
    }

    [Fact]
    public void The_identity_providers_settings_are_checked()
    {
        Assert.False(OidcSettings.FromConfig(Hocon("")).Enabled);
        Assert.Contains("must be https://", Assert.Throws<ConfigurationException>(() =>
            OidcSettings.FromConfig(Hocon("""oidc { issuer = "http://idp.example.com", audience = siem }"""))).Message);
        Assert.Contains("audience is empty", Assert.Throws<ConfigurationException>(() =>
            OidcSettings.FromConfig(Hocon("""oidc { issuer = "https://idp.example.com" }"""))).Message);
        Assert.Contains("asymmetric algorithms only", Assert.Throws<ConfigurationException>(() =>
            OidcSettings.FromConfig(Hocon("""oidc { issuer = "https://idp.example.com", audience = siem, algorithms = [HS256] }"""))).Message);
        var oidc = OidcSettings.FromConfig(Hocon("""oidc { issuer = "https://idp.example.com/realms/soc/", audience = siem }"""));
        Assert.Equal("https://idp.example.com/realms/soc/.well-known/openid-configuration", oidc.Metadata);
    }

    [Fact]
    public void The_nodes_HTTPS_and_CORS_settings_are_checked()
    {
        var https = HttpServerSecurity.FromConfig(Hocon($"tls {{ cert-file = \"{_pki.ServerCertFile}\", key-file = \"{_pki.ServerKeyFile}\" }}\ncors-origins = [\"https://soc.example.com\"]"));
        Assert.True(https.Https);
        using (var certificate = https.Certificate()) Assert.True(certificate.HasPrivateKey);
        Assert.Contains("is not an origin", Assert.Throws<ConfigurationException>(() =>
            HttpServerSecurity.FromConfig(Hocon("cors-origins = [\"https://soc.example.com/ui\"]"))).Message);
        Assert.Contains("go together", Assert.Throws<ConfigurationException>(() =>
            HttpServerSecurity.FromConfig(Hocon($"tls.cert-file = \"{_pki.ServerCertFile}\""))).Message);
    }

    public void Dispose() => _pki.Dispose();
}
