using System.Net;
using System.Text.RegularExpressions;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Filtering;

/// <summary>
/// A filter compiled to a predicate over <see cref="SecurityEvent"/>s: closures built once, no reflection, no
/// allocation per evaluation (IPv6 network tests aside). Absent text fields compare as "" and absent numbers match no
/// comparison — the same as the ClickHouse translation, where they are stored as '' and NULL.
/// </summary>
public static class FilterPredicate
{
    public static Func<SecurityEvent, bool> Compile(string filter, Func<long>? now = null) => Compile(FilterParser.Parse(filter), now);

    public static Func<SecurityEvent, bool> Compile(FilterExpr expr, Func<long>? now = null)
    {
        now ??= () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Build(expr, now);
    }

    private static Func<SecurityEvent, bool> Build(FilterExpr expr, Func<long> now)
    {
        switch (expr)
        {
            case FilterExpr.And a:
            {
                var (l, r) = (Build(a.Left, now), Build(a.Right, now));
                return e => l(e) && r(e);
            }
            case FilterExpr.Or o:
            {
                var (l, r) = (Build(o.Left, now), Build(o.Right, now));
                return e => l(e) || r(e);
            }
            case FilterExpr.Not n:
            {
                var inner = Build(n.Operand, now);
                return e => !inner(e);
            }
            case FilterExpr.Constant c:
                return c.Value ? static _ => true : static _ => false;
            case FilterExpr.Compare c:
                return Compare(c, now);
            case FilterExpr.In i:
            {
                var tests = i.Values.Select(v => Compare(new FilterExpr.Compare(i.Field, CompareOp.Equal, v), now)).ToArray();
                return e => Array.Exists(tests, t => t(e));
            }
            case FilterExpr.InNetwork n:
            {
                var text = TextOf(n.Field);
                var network = n.Network;
                return e => InNetwork(text(e), network);
            }
            case FilterExpr.Text t when t.Field.Type == FieldType.Tags:
            {
                var tag = t.Value;
                return e => e.Tags.Contains(tag);
            }
            case FilterExpr.Text t:
            {
                var text = TextOf(t.Field);
                var value = t.Value;
                return t.Op == TextOp.Contains
                    ? e => text(e).Contains(value, StringComparison.Ordinal)
                    : e => text(e).StartsWith(value, StringComparison.Ordinal);
            }
            case FilterExpr.Matches m:
            {
                var text = TextOf(m.Field);
                var regex = new Regex(m.Pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, FilterParser.RegexTimeout);
                WarmUp(regex);
                return e =>
                {
                    try
                    {
                        return regex.IsMatch(text(e));
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        return false; // documented: a match that outlasts the timeout is no match
                    }
                };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(expr), expr, null);
        }
    }

    /// <summary>
    /// Runs the engine once at compile time: the first match JIT-compiles the non-backtracking matcher and builds its
    /// first states, which on a loaded machine can take longer than the per-event timeout.
    /// </summary>
    private static void WarmUp(Regex regex)
    {
        try
        {
            regex.IsMatch("warm-up 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        }
        catch (RegexMatchTimeoutException)
        {
        }
    }

    private static Func<SecurityEvent, bool> Compare(FilterExpr.Compare c, Func<long> now)
    {
        var op = c.Op;
        switch (c.Field.Type)
        {
            case FieldType.Text or FieldType.Address:
            {
                var text = TextOf(c.Field);
                var value = ((FilterValue.Text)c.Value).Value;
                return op == CompareOp.Equal ? e => text(e) == value : e => text(e) != value;
            }
            case FieldType.Severity:
            {
                // Bigger is more severe: rank = 7 - code.
                var rank = 7 - (int)((FilterValue.Severity)c.Value).Value;
                return e => Holds(7 - (int)e.Severity, op, rank);
            }
            case FieldType.Number:
            {
                var number = NumberOf(c.Field);
                var value = ((FilterValue.Number)c.Value).Value;
                return e => number(e) is { } n && Holds(n, op, value);
            }
            default:
            {
                var time = c.Field.Name == "timestamp" ? (Func<SecurityEvent, long>)(e => e.Timestamp) : e => e.IngestedAt;
                return c.Value switch
                {
                    FilterValue.Time t => e => Holds(time(e), op, t.UnixMs),
                    FilterValue.RelativeTime r => e => Holds(time(e), op, now() + (long)r.Offset.TotalMilliseconds),
                    _ => throw new ArgumentOutOfRangeException(nameof(c), c, "not a time"),
                };
            }
        }
    }

    private static bool Holds(long left, CompareOp op, long right) => op switch
    {
        CompareOp.Equal => left == right,
        CompareOp.NotEqual => left != right,
        CompareOp.Less => left < right,
        CompareOp.LessOrEqual => left <= right,
        CompareOp.Greater => left > right,
        _ => left >= right,
    };

    private static Func<SecurityEvent, string> TextOf(FilterField field) => FieldText.Of(field);

    private static Func<SecurityEvent, long?> NumberOf(FilterField field) => field.Name switch
    {
        "src_port" => e => e.SrcPort,
        "dst_port" => e => e.DstPort,
        "partition" => e => e.Origin.Partition,
        "offset" => e => e.Origin.Offset,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a number field"),
    };

    private static bool InNetwork(string address, IPNetwork network)
    {
        if (address.Length == 0) return false;
        if (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && TryIPv4(address, out var value))
        {
            Span<byte> bytes = stackalloc byte[4];
            network.BaseAddress.TryWriteBytes(bytes, out _);
            var baseValue = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            var mask = network.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - network.PrefixLength);
            return (value & mask) == (baseValue & mask);
        }
        return IPAddress.TryParse(address, out var ip) && network.Contains(ip);
    }

    /// <summary>Dotted-quad IPv4 without allocating; false for anything else.</summary>
    private static bool TryIPv4(string s, out uint value)
    {
        value = 0;
        uint part = 0;
        int parts = 0, digits = 0;
        foreach (var c in s)
        {
            if (c == '.')
            {
                if (digits == 0 || ++parts > 3) return false;
                value = value << 8 | part;
                part = 0;
                digits = 0;
            }
            else if (c is >= '0' and <= '9' && digits < 3)
            {
                part = part * 10 + (uint)(c - '0');
                digits++;
                if (part > 255) return false;
            }
            else
            {
                return false;
            }
        }
        if (parts != 3 || digits == 0) return false;
        value = value << 8 | part;
        return true;
    }
}
