using Akka.Configuration;
using SiemActors.Pipeline;
using Xunit;

namespace SiemActors.Pipeline.Tests;

/// <summary>siem.kafka.security to librdkafka properties: what each protocol sets, secrets from files or the environment only, clear errors.</summary>
public sealed class KafkaSecurityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("siem-kafka-sec-").FullName;

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static KafkaSecurity Parse(string hocon) => KafkaSecurity.FromConfig(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void Plaintext_adds_nothing()
    {
        Assert.Empty(Parse("").Properties);
        Assert.Empty(Parse("siem.kafka.security.protocol = plaintext").Properties);
    }

    [Fact]
    public void Sasl_ssl_with_scram_reads_the_password_from_its_file_and_never_shows_it()
    {
        var password = File("kafka.password", "s3cr3t-kafka\n");
        var ca = File("ca.pem", "-----BEGIN CERTIFICATE-----\n");
        var security = Parse($$"""
            siem.kafka.security { protocol = sasl_ssl, sasl { mechanism = SCRAM-SHA-256, username = siem, password-file = "{{password}}" }
              ssl.ca-file = "{{ca}}" }
            """);
        Assert.Equal("sasl_ssl", security.Properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-256", security.Properties["sasl.mechanism"]);
        Assert.Equal("siem", security.Properties["sasl.username"]);
        Assert.Equal("s3cr3t-kafka", security.Properties["sasl.password"]);
        Assert.Equal(ca, security.Properties["ssl.ca.location"]);
        Assert.Equal("https", security.Properties["ssl.endpoint.identification.algorithm"]);
        Assert.DoesNotContain("s3cr3t", security.ToString());
        Assert.Equal("broker:9093", security.ClientConfig("broker:9093")["bootstrap.servers"]);
        Assert.Equal("s3cr3t-kafka", security.ClientConfig("broker:9093")["sasl.password"]);
    }

    [Fact]
    public void The_environment_wins_and_an_unset_variable_is_named()
    {
        var variable = "SIEM_TEST_KAFKA_PW_" + Guid.NewGuid().ToString("N")[..6];
        var error = Assert.Throws<ConfigurationException>(() =>
            Parse($"siem.kafka.security {{ protocol = sasl_plaintext, sasl {{ mechanism = PLAIN, username = u, password-env = {variable} }} }}"));
        Assert.Contains(variable, error.Message);
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            var security = Parse($"siem.kafka.security {{ protocol = sasl_plaintext, sasl {{ mechanism = PLAIN, username = u, password-env = {variable}, password-file = /nonexistent }} }}");
            Assert.Equal("from-env", security.Properties["sasl.password"]);
            Assert.False(security.Properties.ContainsKey("ssl.ca.location"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("siem.kafka.security.protocol = tls", "protocol must be one of")]
    [InlineData("siem.kafka.security { protocol = sasl_ssl, sasl { username = u } }", "password-env or password-file")]
    [InlineData("siem.kafka.security { protocol = sasl_ssl, sasl { mechanism = GSSAPI, username = u } }", "mechanism must be one of")]
    [InlineData("siem.kafka.security { protocol = sasl_ssl, sasl { password-file = x } }", "username is empty")]
    [InlineData("siem.kafka.security { protocol = ssl, ssl { ca-file = /nonexistent/ca.pem } }", "does not exist")]
    [InlineData("siem.kafka.security { protocol = sasl_plaintext, sasl { username = u, password-file = /nonexistent/pw } }", "cannot be read")]
    public void A_wrong_setting_is_refused_with_the_key_to_fix(string hocon, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigurationException>(() => Parse(hocon)).Message);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
