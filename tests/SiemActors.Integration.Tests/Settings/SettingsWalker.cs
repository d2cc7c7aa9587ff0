using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace SiemActors.Integration.Tests.Settings;

/// <summary>
/// Walks a reference.conf's scalar keys and a settings object's public values: what the defaults test needs to
/// change one key at a time and see whether the settings type noticed.
/// </summary>
internal static partial class SettingsWalker
{
    /// <summary>Every scalar key under <paramref name="root"/> (lists and objects are walked, not changed), as quoted HOCON paths.</summary>
    public static IEnumerable<(string Path, string Value)> ScalarKeys(Config config, string root)
    {
        var start = config.GetValue(root);
        return start is null ? [] : Walk(start, Quote(root.Split('.')));
    }

    private static IEnumerable<(string, string)> Walk(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
                foreach (var leaf in Walk(child, path + "." + QuoteKey(key)))
                    yield return leaf;
        }
        else if (!value.IsArray() && value.IsString())
        {
            yield return (path, value.GetString());
        }
    }

    private static string Quote(IEnumerable<string> keys) => string.Join(".", keys.Select(QuoteKey));

    private static string QuoteKey(string key) => SimpleKey().IsMatch(key) ? key : "\"" + key + "\"";

    /// <summary>Another value of the same kind: a number + 1, a duration one unit longer, a switch flipped, a word changed.</summary>
    public static string Changed(string value)
    {
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return (n + 1).ToString(CultureInfo.InvariantCulture);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return (d * 2 + 0.5).ToString(CultureInfo.InvariantCulture);
        var duration = Duration().Match(value);
        if (duration.Success) return $"{long.Parse(duration.Groups[1].Value, CultureInfo.InvariantCulture) + 1}{duration.Groups[2].Value}";
        return value switch
        {
            "on" => "off",
            "off" => "on",
            "true" => "false",
            "false" => "true",
            _ => value + "-changed",
        };
    }

    /// <summary>The object's public values, nested records and collections included, as one comparable text.</summary>
    public static string Describe(object? value, int depth = 0)
    {
        if (value is null) return "null";
        var type = value.GetType();
        if (value is string or TimeSpan or Enum || type.IsPrimitive || value is decimal) return Convert.ToString(value, CultureInfo.InvariantCulture)!;
        if (value is Delegate || depth > 5 || type.Namespace?.StartsWith("Confluent", StringComparison.Ordinal) == true
            || type.Namespace?.StartsWith("Akka", StringComparison.Ordinal) == true) return type.Name;
        if (value is IDictionary dictionary)
            return "{" + string.Join(", ", dictionary.Keys.Cast<object>().Select(k => $"{k}={Describe(dictionary[k], depth + 1)}").Order(StringComparer.Ordinal)) + "}";
        if (value is IEnumerable items) return "[" + string.Join(", ", items.Cast<object?>().Select(i => Describe(i, depth + 1))) + "]";
        var text = new StringBuilder(type.Name).Append('{');
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.Name))
        {
            object? read;
            try
            {
                read = property.GetValue(value);
            }
            catch (TargetInvocationException ex)
            {
                read = "throws " + ex.InnerException?.GetType().Name;
            }
            text.Append(property.Name).Append('=').Append(Describe(read, depth + 1)).Append("; ");
        }
        return text.Append('}').ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SimpleKey();

    [GeneratedRegex(@"^(\d+)\s*(ms|s|m|h|d|minutes|seconds)$")]
    private static partial Regex Duration();
}
