using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SiemActors.Node;

/// <summary>
/// The node's settings that command-line options and environment variables override, as HOCON over the config files.
/// Precedence, strongest first: command line, environment, <c>--config</c> files (later over earlier),
/// <c>hocon/siem.conf</c>, the libraries' <c>reference.conf</c>. docs/operations.md has the table.
/// </summary>
public static class NodeOverrides
{
    /// <summary>Option, environment variable, HOCON path, kind.</summary>
    public static readonly IReadOnlyList<(string Option, string Variable, string Path, Kind Kind)> Settings =
    [
        ("--roles", "SIEM_ROLES", "siem.node.roles", Kind.List),
        ("--hostname", "SIEM_HOSTNAME", "siem.node.hostname", Kind.Text),
        ("--public-hostname", "SIEM_PUBLIC_HOSTNAME", "siem.node.public-hostname", Kind.Text),
        ("--port", "SIEM_PORT", "siem.node.port", Kind.Port),
        ("--seed", "SIEM_SEED_NODES", "siem.node.seed-nodes", Kind.List),
        ("--http-port", "SIEM_HTTP_PORT", "siem.api.http.port", Kind.Port),
        ("--http-host", "SIEM_HTTP_HOST", "siem.api.http.host", Kind.Text),
        ("--metrics-port", "SIEM_METRICS_PORT", "siem.metrics.port", Kind.Port),
        ("--bootstrap-servers", "SIEM_KAFKA_BOOTSTRAP", "siem.kafka.bootstrap-servers", Kind.Text),
    ];

    public enum Kind
    {
        Text,
        Port,
        List,
    }

    /// <summary>The config files named by <c>--config</c> and the HOCON of the other options, in the order they apply.</summary>
    public static (List<string> ConfigFiles, string Environment, string CommandLine) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var files = new List<string>();
        var fromArgs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (i + 1 >= args.Count) throw new NodeConfigException($"{arg} needs a value; {Usage}");
            var value = args[++i];
            if (arg == "--config")
            {
                files.Add(value);
                continue;
            }
            var setting = Settings.FirstOrDefault(s => s.Option == arg);
            if (setting.Option is null) throw new NodeConfigException($"unknown option {arg}; {Usage}");
            // --seed repeats; the others take the last value (a comma-separated list for --roles).
            if (!fromArgs.TryGetValue(arg, out var values) || setting.Option != "--seed") fromArgs[arg] = values = [];
            values.Add(value);
        }

        var env = new StringBuilder();
        var cli = new StringBuilder();
        foreach (var (option, variable, path, kind) in Settings)
        {
            if (environment(variable) is { Length: > 0 } fromEnvironment) env.AppendLine(Line(path, kind, [fromEnvironment], variable));
            if (fromArgs.TryGetValue(option, out var values)) cli.AppendLine(Line(path, kind, values, option));
        }
        return (files, env.ToString(), cli.ToString());
    }

    public static string Usage =>
        "options: --config FILE (repeatable) " + string.Join(" ", Settings.Select(s => $"{s.Option} VALUE")) +
        " (environment: " + string.Join(", ", Settings.Select(s => s.Variable)) + ")";

    private static string Line(string path, Kind kind, IReadOnlyList<string> values, string from)
    {
        switch (kind)
        {
            case Kind.Port:
                var text = values[^1].Trim();
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    throw new NodeConfigException($"{from} must be a port number 0-65535 (got '{text}')");
                return $"{path} = {port}";
            case Kind.List:
                var items = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                return $"{path} = [{string.Join(", ", items.Select(Quote))}]";
            default:
                return $"{path} = {Quote(values[^1].Trim())}";
        }
    }

    /// <summary>A HOCON quoted string: JSON's string syntax is valid HOCON.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
