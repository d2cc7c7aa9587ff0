using System.Text;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The one function that puts a value into ClickHouse SQL text. ClickHouse 18.16 has no server-side query
/// parameters, so every literal goes through here: a single-quoted string with backslash and quote escaped.
/// </summary>
public static class ClickHouseSql
{
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '\0': sb.Append("\\0"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('\'').ToString();
    }
}
