using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SiemActors.Domain.Filtering;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// A filter (<see cref="FilterExpr"/>) as a ClickHouse <c>WHERE</c> expression over <see cref="EventsSchema"/>, with the
/// same meaning as <see cref="FilterPredicate"/>. It cannot be injected: column names come from this fixed map (an
/// attribute's name only ever appears as a quoted literal), and every literal goes through
/// <see cref="ClickHouseSql.Quote"/> or is a number formatted here.
/// </summary>
public static class ClickHouseFilter
{
    private static readonly IReadOnlyDictionary<string, string> Columns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["event_id"] = "`event_id`", ["source"] = "`source`", ["host"] = "`host`", ["category"] = "`category`", ["action"] = "`action`",
        ["outcome"] = "`outcome`", ["user"] = "`user`", ["process"] = "`process`", ["message"] = "`message`", ["topic"] = "`topic`",
        ["severity"] = "`severity`", ["timestamp"] = "`event_time_ms`", ["ingested_at"] = "`ingested_at_ms`",
        ["src_ip"] = "`src_ip`", ["dst_ip"] = "`dst_ip`", ["src_port"] = "`src_port`", ["dst_port"] = "`dst_port`",
        ["partition"] = "`partition`", ["offset"] = "`offset`", ["tags"] = "`tags`",
    };

    /// <summary>The columns of <see cref="AlertsSchema"/> for a filter over alert fields (<see cref="FilterFields.Alerts"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> AlertColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alert_id"] = "`alert_id`", ["rule"] = "`rule`", ["key_field"] = "`key_field`", ["key"] = "`key`", ["severity"] = "`severity`",
        ["timestamp"] = "`last_event_ms`", ["first_seen"] = "`first_event_ms`", ["count"] = "`count`",
    };

    /// <summary>A filter over event fields, as a condition on the events table.</summary>
    public static string Translate(FilterExpr expr) => Translate(expr, Columns);

    /// <summary>A filter as a condition on a table whose columns for the filter's fields are <paramref name="columns"/>.</summary>
    public static string Translate(FilterExpr expr, IReadOnlyDictionary<string, string> columns) => expr switch
    {
        FilterExpr.And a => $"({Translate(a.Left, columns)} AND {Translate(a.Right, columns)})",
        FilterExpr.Or o => $"({Translate(o.Left, columns)} OR {Translate(o.Right, columns)})",
        FilterExpr.Not n => $"NOT ({Translate(n.Operand, columns)})",
        FilterExpr.Constant c => c.Value ? "1" : "0",
        FilterExpr.Compare c => TwoValued(c.Field, Compare(c, columns)),
        FilterExpr.In i => TwoValued(i.Field, $"{Column(i.Field, columns)} IN ({string.Join(", ", i.Values.Select(v => Literal(i.Field, v)))})"),
        FilterExpr.InNetwork n => Network(Column(n.Field, columns), n.Network),
        FilterExpr.Text { Field.Type: FieldType.Tags } t => $"has({Column(t.Field, columns)}, {ClickHouseSql.Quote(t.Value)})",
        FilterExpr.Text { Op: TextOp.Contains } t => $"position({Column(t.Field, columns)}, {ClickHouseSql.Quote(t.Value)}) > 0",
        FilterExpr.Text t => $"startsWith({Column(t.Field, columns)}, {ClickHouseSql.Quote(t.Value)})",
        FilterExpr.Matches m => $"match({Column(m.Field, columns)}, {ClickHouseSql.Quote(m.Pattern)})",
        _ => throw new ArgumentOutOfRangeException(nameof(expr), expr, null),
    };

    /// <summary>
    /// Ports are Nullable: SQL's NULL would make <c>NOT (dst_port != 0)</c> false for an event without a port, where the
    /// in-memory predicate (an absent number satisfies no comparison) makes it true. ifNull keeps logic two-valued.
    /// </summary>
    private static string TwoValued(FilterField field, string condition) =>
        field.Name is "src_port" or "dst_port" ? $"ifNull({condition}, 0)" : condition;

    private static string Compare(FilterExpr.Compare c, IReadOnlyDictionary<string, string> columns)
    {
        var op = c.Op;
        // Severity compares by seriousness (bigger is more severe); the column holds the code (smaller is more severe).
        if (c.Field.Type == FieldType.Severity) op = Mirror(op);
        var symbol = op switch
        {
            CompareOp.Equal => "=",
            CompareOp.NotEqual => "!=",
            CompareOp.Less => "<",
            CompareOp.LessOrEqual => "<=",
            CompareOp.Greater => ">",
            _ => ">=",
        };
        return $"{Column(c.Field, columns)} {symbol} {Literal(c.Field, c.Value)}";
    }

    private static CompareOp Mirror(CompareOp op) => op switch
    {
        CompareOp.Less => CompareOp.Greater,
        CompareOp.LessOrEqual => CompareOp.GreaterOrEqual,
        CompareOp.Greater => CompareOp.Less,
        CompareOp.GreaterOrEqual => CompareOp.LessOrEqual,
        _ => op,
    };

    private static string Column(FilterField field, IReadOnlyDictionary<string, string> columns) =>
        field.Attribute is { } name && ReferenceEquals(columns, Columns)
            ? $"`attribute_values`[indexOf(`attribute_keys`, {ClickHouseSql.Quote(name)})]"
            : columns.TryGetValue(field.Name, out var column) ? column : throw new ArgumentException($"no column for {field.Name}");

    private static string Literal(FilterField field, FilterValue value) => value switch
    {
        FilterValue.Text t => ClickHouseSql.Quote(t.Value),
        FilterValue.Number n => n.Value.ToString(CultureInfo.InvariantCulture),
        FilterValue.Severity s => ((int)s.Value).ToString(CultureInfo.InvariantCulture),
        FilterValue.Time t => t.UnixMs.ToString(CultureInfo.InvariantCulture),
        FilterValue.RelativeTime r => $"(toInt64(toUnixTimestamp(now())) * 1000 + {((long)r.Offset.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)})",
        _ => throw new ArgumentException($"{value} is not a value for {field.Name}"),
    };

    /// <summary>IPv4 networks by numeric range; IPv6 networks by the leading bytes of the 16-byte form.</summary>
    private static string Network(string column, IPNetwork network)
    {
        Span<byte> bytes = stackalloc byte[16];
        network.BaseAddress.TryWriteBytes(bytes, out var length);
        var prefix = network.PrefixLength;
        if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            var low = value & mask;
            var high = low | ~mask;
            return $"(position({column}, '.') > 0 AND position({column}, ':') = 0 AND IPv4StringToNum({column}) BETWEEN {low} AND {high})";
        }
        var whole = prefix / 8;
        var parts = new List<string> { $"position({column}, ':') > 0" };
        if (whole > 0) parts.Add($"substring(IPv6StringToNum({column}), 1, {whole}) = unhex('{Convert.ToHexString(bytes[..whole])}')");
        if (prefix % 8 != 0)
        {
            var bitMask = (byte)(0xFF << (8 - prefix % 8));
            parts.Add($"bitAnd(reinterpretAsUInt8(substring(IPv6StringToNum({column}), {whole + 1}, 1)), {bitMask}) = {bytes[whole] & bitMask}");
        }
        return "(" + string.Join(" AND ", parts) + ")";
    }
}
