using Akka.Configuration;

namespace SiemActors.Security;

/// <summary>
/// A secret (a password, a key's passphrase) named in HOCON only by where it is: <c>&lt;name&gt;-env</c>, an environment
/// variable, wins over <c>&lt;name&gt;-file</c>, a file whose content (trimmed) is the secret. HOCON never holds the
/// secret itself, so configs can be shared and logged.
/// </summary>
public static class Secrets
{
    /// <summary>The secret, or "" when neither is set; throws <see cref="ConfigurationException"/> for a file that cannot be read or a variable that is unset.</summary>
    /// <param name="section">The section holding the keys.</param>
    /// <param name="name">The secret's name: reads <c>name-env</c> and <c>name-file</c>.</param>
    /// <param name="path">The section's path, for errors (<c>siem.sinks.redis</c>).</param>
    public static string Read(Config section, string name, string path)
    {
        var variable = section.GetString(name + "-env", "");
        if (variable.Length > 0)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value))
                throw new ConfigurationException($"{path}.{name}-env names the environment variable {variable}, which is not set");
            return value;
        }
        var file = section.GetString(name + "-file", "");
        if (file.Length == 0) return "";
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The reason, never the content.
            throw new ConfigurationException($"{path}.{name}-file {file} cannot be read: {ex.Message}");
        }
    }
}
