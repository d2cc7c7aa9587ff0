using System.CommandLine;
using Akka.Configuration;
using SiemActors.Auth;
using SiemActors.Cli.Config;
using SiemActors.Domain.Filtering;

namespace SiemActors.Cli.Commands;

/// <summary>
/// <c>siemctl token --user NAME [--role viewer|responder|admin] [--ttl 8h]</c>: issues an analyst's JWT signed with the secret the node uses
/// (<c>siem.api.auth</c>: the secret-env variable, else the configured secret, else the secret file — a relative
/// secret-file is taken from the repository root, where the node started by scripts/run.sh finds it). For development.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(Option<string?> configOption)
    {
        var user = new Option<string>("--user") { Description = "the analyst the token names", Required = true };
        var ttl = new Option<string?>("--ttl") { Description = "lifetime, such as 30m, 8h or 7d (default: siem.api.auth.token-lifetime)" };
        var secretFile = new Option<string?>("--secret-file") { Description = "the secret file the node uses, when it is not siem.api.auth.secret-file" };
        var role = new Option<string>("--role")
        {
            Description = "viewer (live, history, alerts), responder (also alert triage) or admin (also management and the audit trail)",
            DefaultValueFactory = _ => AnalystRoles.Viewer,
        };
        role.AcceptOnlyFromAmong([.. AnalystRoles.All]);
        var command = new Command("token", "Issue an analyst's JWT for the UI, the hub and the REST API (development)") { user, ttl, secretFile, role };
        command.SetAction(result =>
        {
            var settings = JwtSettings.FromConfig(SiemConfig.Load(result.GetValue(configOption)));
            if (result.GetValue(secretFile) is { } file) settings = settings with { SecretFile = Path.GetFullPath(file) };
            else if (!Path.IsPathRooted(settings.SecretFile) && SiemConfig.RepositoryRoot() is { } root)
                settings = settings with { SecretFile = Path.Combine(root, settings.SecretFile) };
            TimeSpan? lifetime = null;
            if (result.GetValue(ttl) is { } text)
            {
                try
                {
                    lifetime = TimeSpan.FromMilliseconds(FilterParser.ParseTime("now+" + text, 0));
                }
                catch (FilterSyntaxException)
                {
                    throw new CliException($"--ttl {text}: expected a number with s, m, h or d, such as 8h");
                }
                if (lifetime <= TimeSpan.Zero) throw new CliException("--ttl must be positive");
            }
            try
            {
                Console.WriteLine(AnalystTokens.Issue(settings, result.GetValue(user)!, lifetime, role: result.GetValue(role)!));
            }
            catch (ConfigurationException ex)
            {
                throw new CliException(ex.Message);
            }
            return 0;
        });
        return command;
    }
}
