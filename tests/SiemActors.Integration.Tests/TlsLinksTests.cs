using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using SiemActors.Integration.Tests.Support;
using SiemActors.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// A node on encrypted, authenticated links (docs/security.md): Redis with TLS only and an ACL user without admin
/// commands, ClickHouse over HTTPS with a password user, both demanding a client certificate of the CA, the node's own
/// endpoints over HTTPS — all with a throwaway CA the test makes. A wrong CA stops the node at start with the reason; a wrong password is a readiness failure that
/// says so. (The embedded Kafka broker speaks neither TLS nor SASL: Kafka's settings are covered by unit tests.)
/// </summary>
public sealed class TlsLinksTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string RedisUser = "siem-node";
    private const string RedisPassword = "redis-pw-0f3a9c";
    private const string ClickHouseUser = "siem";
    private const string ClickHousePassword = "clickhouse-pw-77d1";

    private readonly TestCertificates _pki = TestCertificates.Create();
    private DedicatedServices _services = null!;

    public async Task InitializeAsync()
    {
        _services = new DedicatedServices(new Dictionary<string, string>
        {
            ["SIEM_TLS_DIR"] = _pki.Directory,
            ["SIEM_REDIS_USER"] = RedisUser,
            ["SIEM_REDIS_PASSWORD"] = RedisPassword,
            ["SIEM_CLICKHOUSE_USER"] = ClickHouseUser,
            ["SIEM_CLICKHOUSE_PASSWORD"] = ClickHousePassword,
            ["SIEM_TLS_CLIENT_CERTS"] = "yes",
        });
        await _services.StartFirstAsync();
        File.WriteAllText(Secret("redis.password"), RedisPassword + "\n");
        File.WriteAllText(Secret("clickhouse.password"), ClickHousePassword);
    }

    [Fact]
    public async Task A_node_stores_events_over_TLS_to_Redis_and_ClickHouse_and_serves_HTTPS()
    {
        await using var harness = Harness(LinksConfig(_pki.CaFile, RedisPassword: Secret("redis.password")));
        var node = harness.StartNode();
        var https = node.HttpUrl.Replace("http://", "https://", StringComparison.Ordinal);
        using var client = TrustingClient();

        var ready = await Eventually.Value(async () =>
        {
            if (node.HasExited) throw new InvalidOperationException($"the node exited with {node.ExitCode}\n{harness.Tail()}");
            try
            {
                using var response = await client.GetAsync(https + "/health/ready");
                return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, body => body is not null, TimeSpan.FromMinutes(2), _ => $"not ready over HTTPS\n{harness.Tail()}", TimeSpan.FromMilliseconds(300));
        output.WriteLine(ready);
        using (var health = JsonDocument.Parse(ready!))
        {
            Assert.Equal("healthy", health.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal("healthy", health.RootElement.GetProperty("checks").GetProperty("clickhouse").GetProperty("status").GetString());
        }

        await harness.ProduceAsync(0, 2_000, perSecond: 2_000);
        await harness.UntilAllStored(2_000, TimeSpan.FromMinutes(2));
        Assert.Equal((2_000L, 2_000L), await harness.RedisCounts());

        // The node's endpoints: HTTPS only, with HSTS and the UI's security headers; plain HTTP on that port is no answer.
        using (var page = await client.GetAsync(https + "/health/live"))
        {
            Assert.True(page.IsSuccessStatusCode);
            Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
        using (var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(node.HttpUrl + "/health/live"));
        // A client that trusts only the system's CAs refuses the node's certificate.
        using (var strict = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => strict.GetAsync(https + "/health/live"));

        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("redis", "wrong CA")]
    [InlineData("clickhouse", "wrong CA")]
    [InlineData("redis", "no client certificate")]
    [InlineData("clickhouse", "no client certificate")]
    public async Task A_node_given_the_wrong_CA_or_no_client_certificate_stops_at_start_and_says_which_server_and_why(string server, string fault)
    {
        var wrongCa = fault == "wrong CA";
        var config = LinksConfig(server == "redis" && wrongCa ? _pki.OtherCaFile : _pki.CaFile, Secret("redis.password"),
            clickHouseCa: server == "clickhouse" && wrongCa ? _pki.OtherCaFile : _pki.CaFile,
            redisClientCert: !(server == "redis" && !wrongCa), clickHouseClientCert: !(server == "clickhouse" && !wrongCa));
        await using var harness = Harness(config);
        var node = harness.StartNode();
        Assert.True(await node.ExitedWithin(TimeSpan.FromSeconds(90)), $"the node did not stop\n{harness.Tail()}");
        Assert.Equal(2, node.ExitCode);
        var log = harness.Tail(200);
        Assert.Contains($"TLS to {(server == "redis" ? "Redis" : "ClickHouse")} at 127.0.0.1:", log, StringComparison.Ordinal);
        Assert.Contains(wrongCa ? "does not chain to a CA of" : "client certificate", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_Redis_password_is_a_readiness_failure_that_names_it_and_never_shows_it()
    {
        File.WriteAllText(Secret("wrong.password"), "not-the-password");
        await using var harness = Harness(LinksConfig(_pki.CaFile, Secret("wrong.password")));
        var node = harness.StartNode();
        var https = node.HttpUrl.Replace("http://", "https://", StringComparison.Ordinal);
        using var client = TrustingClient();
        var body = await Eventually.Value(async () =>
        {
            try
            {
                using var response = await client.GetAsync(https + "/health/ready");
                return (int)response.StatusCode == 503 ? await response.Content.ReadAsStringAsync() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, b => b is not null && b.Contains("\"redis\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2),
            _ => $"no readiness answer\n{harness.Tail()}", TimeSpan.FromMilliseconds(300));
        output.WriteLine(body);
        using var health = JsonDocument.Parse(body!);
        var redis = health.RootElement.GetProperty("checks").GetProperty("redis");
        Assert.Equal("unhealthy", redis.GetProperty("status").GetString());
        Assert.Contains("WRONGPASS", redis.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-the-password", harness.Tail(2000), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", body!, StringComparison.Ordinal);
    }

    private PipelineHarness Harness(string extraConfig) =>
        new(_services.RedisEndpoint, $"http://127.0.0.1:{_services.ClickHouseHttpPort}", extraConfig)
        {
            RedisOptions = () =>
            {
                var options = ConfigurationOptions.Parse(_services.RedisEndpoint);
                options.Ssl = true;
                options.User = RedisUser;
                options.Password = RedisPassword;
                options.TrustIssuer(_pki.CaFile);
                options.SetUserPemCertificate(_pki.ClientCertFile, _pki.ClientKeyFile);
                return options;
            },
        };

    /// <summary>The sinks over TLS with users and passwords from files, and the node's HTTPS.</summary>
    private string LinksConfig(string redisCa, string RedisPassword, string? clickHouseCa = null, bool redisClientCert = true, bool clickHouseClientCert = true) => $$"""
        siem.sinks.redis {
          user = "{{RedisUser}}"
          password-file = "{{RedisPassword}}"
          tls { enabled = on, ca-file = "{{redisCa}}" {{ClientCert(redisClientCert)}} }
        }
        siem.sinks.clickhouse {
          url = "https://127.0.0.1:{{_services.ClickHouseHttpsPort}}"
          user = "{{ClickHouseUser}}"
          password-file = "{{Secret("clickhouse.password")}}"
          tls { ca-file = "{{clickHouseCa ?? _pki.CaFile}}" {{ClientCert(clickHouseClientCert)}} }
        }
        siem.api.http.tls { cert-file = "{{_pki.ServerCertFile}}", key-file = "{{_pki.ServerKeyFile}}" }
        """;

    private string ClientCert(bool shown) => shown ? $", cert-file = \"{_pki.ClientCertFile}\", key-file = \"{_pki.ClientKeyFile}\"" : "";

    private string Secret(string name) => Path.Combine(_pki.Directory, name);

    /// <summary>An HTTPS client that trusts the test's CA and nothing else, and checks the host name.</summary>
    private HttpClient TrustingClient() => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(_pki.Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        },
    }) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _pki.Dispose();
    }
}
