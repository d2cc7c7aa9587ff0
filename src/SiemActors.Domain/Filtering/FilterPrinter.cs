using System.Globalization;
using System.Text;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Filtering;

/// <summary>A filter back to canonical text: parsing the output gives the same AST.</summary>
public static class FilterPrinter
{
    public static string Print(FilterExpr expr) => expr switch
    {
        FilterExpr.And a => $"({Print(a.Left)} and {Print(a.Right)})",
        FilterExpr.Or o => $"({Print(o.Left)} or {Print(o.Right)})",
        FilterExpr.Not n => $"not {Print(n.Operand)}",
        FilterExpr.Constant c => c.Value ? "true" : "false",
        FilterExpr.Compare c => $"{c.Field} {Op(c.Op)} {Value(c.Value)}",
        FilterExpr.In i => $"{i.Field} in ({string.Join(", ", i.Values.Select(Value))})",
        FilterExpr.InNetwork n => $"{n.Field} in {n.Network}",
        FilterExpr.Text t => $"{t.Field} {(t.Op == TextOp.Contains ? "contains" : "startswith")} {Quote(t.Value, '"')}",
        FilterExpr.Matches m => $"{m.Field} matches {Quote(m.Pattern, '/')}",
        _ => throw new ArgumentOutOfRangeException(nameof(expr), expr, null),
    };

    private static string Op(CompareOp op) => op switch
    {
        CompareOp.Equal => "==",
        CompareOp.NotEqual => "!=",
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        _ => ">=",
    };

    private static string Value(FilterValue value) => value switch
    {
        FilterValue.Text t => Quote(t.Value, '"'),
        FilterValue.Number n => n.Value.ToString(CultureInfo.InvariantCulture),
        FilterValue.Severity s => s.Value.Name(),
        FilterValue.Time t => DateTimeOffset.FromUnixTimeMilliseconds(t.UnixMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        FilterValue.RelativeTime r => r.Offset == TimeSpan.Zero ? "now"
            : $"now{(r.Offset < TimeSpan.Zero ? "-" : "+")}{(long)Math.Abs(r.Offset.TotalSeconds)}s",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    private static string Quote(string text, char quote)
    {
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '/' && c == '\\' && i + 1 < text.Length)
            {
                sb.Append(c).Append(text[++i]); // a regex escape pair, as written
                continue;
            }
            if (c == quote || (c == '\\' && quote != '/')) sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append(quote).ToString();
    }
}
