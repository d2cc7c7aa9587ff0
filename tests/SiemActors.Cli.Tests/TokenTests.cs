using Akka.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using SiemActors.Auth;
using Xunit;

namespace SiemActors.Cli.Tests;

/// <summary><c>siemctl token</c> run as a user would: its token passes the checks the api role makes, with the same secret file.</summary>
public sealed class TokenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("siemctl-token-").FullName;

    [Fact]
    public async Task A_token_from_siemctl_is_valid_for_the_api_with_the_shared_secret_file_and_not_with_another()
    {
        var config = Path.Combine(_dir, "siem.conf");
        var secretFile = Path.Combine(_dir, "jwt.secret");
        await File.WriteAllTextAsync(config, $$"""siem.api.auth { secret-file = "{{secretFile}}", secret-env = "" }""");
        using var siemctl = SiemctlProcess.Start(_dir, "token", "--user", "alice", "--ttl", "30m", "--config", config);
        Assert.Equal(0, await siemctl.ExitCode(TimeSpan.FromSeconds(60)));
        var token = siemctl.Output.Trim();

        // The node reads the same section over the same defaults (SiemActors.Auth's reference.conf).
        var settings = JwtSettings.FromConfig(ConfigurationFactory.ParseString($$"""siem.api.auth { secret-file = "{{secretFile}}", secret-env = "" }"""));
        var valid = await new JsonWebTokenHandler().ValidateTokenAsync(token, AnalystTokens.ValidationParameters(settings));
        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.Equal("alice", valid.ClaimsIdentity.Name);
        Assert.InRange(((JsonWebToken)valid.SecurityToken).ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(28), TimeSpan.FromMinutes(30));

        var other = settings with { ConfiguredSecret = "another-secret-0123456789abcdefghijklmn" };
        Assert.False((await new JsonWebTokenHandler().ValidateTokenAsync(token, AnalystTokens.ValidationParameters(other))).IsValid);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
