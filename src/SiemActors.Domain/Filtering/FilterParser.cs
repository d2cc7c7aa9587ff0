using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Filtering;

/// <summary>
/// Parses the filter language (grammar in docs/filters.md) into a <see cref="FilterExpr"/>. Values are checked against
/// the field they are compared with; every error says where and what was expected.
/// </summary>
public static class FilterParser
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A filter over events (<see cref="FilterFields.Events"/>).</summary>
    public static FilterExpr Parse(string text) => Parse(text, FilterFields.Events);

    /// <summary>A filter over the given fields (events, alerts), within <paramref name="limits"/> (default: <see cref="FilterLimits.Default"/>).</summary>
    public static FilterExpr Parse(string text, FilterFields fields, FilterLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        limits ??= FilterLimits.Default;
        if (text.Length > limits.MaxLength)
            throw new FilterSyntaxException(limits.MaxLength, $"the filter is {text.Length} characters long; the limit is {limits.MaxLength}");
        var reader = new Reader(Lexer.Tokenize(text), fields, limits);
        if (reader.Current.Kind == TokenKind.End) throw new FilterSyntaxException(0, "the filter is empty (use true to match everything)");
        var expr = Or(reader);
        if (reader.Current.Kind != TokenKind.End)
            throw new FilterSyntaxException(reader.Current.Position, $"expected and, or, or the end, found {reader.Current}");
        return expr;
    }

    private static FilterExpr Or(Reader r)
    {
        var left = And(r);
        while (r.Current.Is("or"))
        {
            r.Next();
            left = new FilterExpr.Or(left, And(r));
        }
        return left;
    }

    private static FilterExpr And(Reader r)
    {
        var left = Not(r);
        while (r.Current.Is("and"))
        {
            r.Next();
            left = new FilterExpr.And(left, Not(r));
        }
        return left;
    }

    private static FilterExpr Not(Reader r)
    {
        if (!r.Current.Is("not")) return Primary(r);
        r.Enter(r.Next());
        var inner = Not(r);
        r.Leave();
        return new FilterExpr.Not(inner);
    }

    private static FilterExpr Primary(Reader r)
    {
        var token = r.Next();
        if (token.Kind == TokenKind.LeftParen)
        {
            r.Enter(token);
            var inner = Or(r);
            r.Expect(TokenKind.RightParen, "')'");
            r.Leave();
            return inner;
        }
        if (token.Is("true")) return new FilterExpr.Constant(true);
        if (token.Is("false")) return new FilterExpr.Constant(false);
        if (token.Kind != TokenKind.Word)
            throw new FilterSyntaxException(token.Position, $"expected a field name, not, true, false or '(', found {token}");
        var field = r.Fields.Find(token.Text)
            ?? throw new FilterSyntaxException(token.Position, $"unknown field '{token.Text}'; fields are {r.Fields.Help}");
        r.Counted(token);
        return Condition(r, field);
    }

    private static FilterExpr Condition(Reader r, FilterField field)
    {
        var op = r.Next();
        if (op.Kind == TokenKind.Operator) return Comparison(r, field, op);
        if (op.Is("in")) return In(r, field, op);
        if (op.Is("contains") || op.Is("startswith"))
        {
            var textOp = op.Is("contains") ? TextOp.Contains : TextOp.StartsWith;
            if (field.Type is not (FieldType.Text or FieldType.Tags) || (field.Type == FieldType.Tags && textOp == TextOp.StartsWith))
                throw new FilterSyntaxException(op.Position, $"{op.Text} does not apply to {field.Name}");
            var value = r.Next();
            if (value.Kind is not (TokenKind.String or TokenKind.Word or TokenKind.Number))
                throw new FilterSyntaxException(value.Position, $"expected a string after {op.Text}, found {value}");
            return new FilterExpr.Text(field, textOp, value.Text);
        }
        if (op.Is("matches"))
        {
            if (field.Type != FieldType.Text) throw new FilterSyntaxException(op.Position, $"matches does not apply to {field.Name}");
            var pattern = r.Next();
            if (pattern.Kind != TokenKind.Regex) throw new FilterSyntaxException(pattern.Position, $"expected /regular expression/ after matches, found {pattern}");
            try
            {
                _ = new Regex(pattern.Text, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                throw new FilterSyntaxException(pattern.Position, $"not a supported regular expression: {ex.Message}");
            }
            return new FilterExpr.Matches(field, pattern.Text);
        }
        throw new FilterSyntaxException(op.Position,
            $"expected ==, !=, <, <=, >, >=, in, contains, startswith or matches after {field.Name}, found {op}");
    }

    private static FilterExpr Comparison(Reader r, FilterField field, Token op)
    {
        var compare = op.Text switch
        {
            "==" => CompareOp.Equal,
            "!=" => CompareOp.NotEqual,
            "<" => CompareOp.Less,
            "<=" => CompareOp.LessOrEqual,
            ">" => CompareOp.Greater,
            _ => CompareOp.GreaterOrEqual,
        };
        var ordered = compare is not (CompareOp.Equal or CompareOp.NotEqual);
        if (ordered && field.Type is FieldType.Text or FieldType.Address or FieldType.Tags)
            throw new FilterSyntaxException(op.Position, $"{op.Text} does not apply to {field.Name}: use ==, !=, in, contains, startswith or matches");
        if (field.Type == FieldType.Tags) throw new FilterSyntaxException(op.Position, "tags are tested with contains");
        return new FilterExpr.Compare(field, compare, Value(r.Next(), field));
    }

    private static FilterExpr In(Reader r, FilterField field, Token op)
    {
        if (r.Current.Kind != TokenKind.LeftParen)
        {
            var network = r.Next();
            if (field.Type != FieldType.Address || !IPNetwork.TryParse(network.Text, out var cidr))
                throw new FilterSyntaxException(network.Position, field.Type == FieldType.Address
                    ? $"expected a network like 10.0.0.0/8 or a list in ( ), found {network}"
                    : $"expected a list of values in ( ) after in, found {network}");
            return new FilterExpr.InNetwork(field, cidr);
        }
        if (field.Type == FieldType.Tags) throw new FilterSyntaxException(op.Position, "tags are tested with contains");
        r.Next();
        var values = new List<FilterValue> { Value(r.Next(), field) };
        while (r.Current.Kind == TokenKind.Comma)
        {
            r.Next();
            values.Add(Value(r.Next(), field));
        }
        r.Expect(TokenKind.RightParen, "',' or ')'");
        return new FilterExpr.In(field, values);
    }

    private static FilterValue Value(Token token, FilterField field)
    {
        if (token.Kind is not (TokenKind.Word or TokenKind.String or TokenKind.Number))
            throw new FilterSyntaxException(token.Position, $"expected a value for {field.Name}, found {token}");
        switch (field.Type)
        {
            case FieldType.Text:
                return new FilterValue.Text(token.Text);
            case FieldType.Address:
                if (!IPAddress.TryParse(token.Text, out var ip)) throw new FilterSyntaxException(token.Position, $"'{token.Text}' is not an IP address");
                return new FilterValue.Text(ip.ToString());
            case FieldType.Number:
                if (!long.TryParse(token.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                    throw new FilterSyntaxException(token.Position, $"expected a whole number for {field.Name}, found {token}");
                return new FilterValue.Number(n);
            case FieldType.Severity:
                if (!SeverityNames.TryParse(token.Text, out var severity))
                    throw new FilterSyntaxException(token.Position, $"expected a severity (0–7 or emergency … debug), found {token}");
                return new FilterValue.Severity(severity);
            default:
                return Time(token);
        }
    }

    /// <summary>
    /// A time as the filter language writes it — <c>now</c>, <c>now-15m</c>, an ISO 8601 instant or Unix ms — as Unix
    /// ms relative to <paramref name="nowMs"/>; for time arguments outside filters (history search's from and to).
    /// </summary>
    public static long ParseTime(string text, long nowMs)
    {
        var trimmed = (text ?? "").Trim();
        var kind = trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit) ? TokenKind.Number : TokenKind.Word;
        var ms = Time(new Token(kind, trimmed, 0)) switch
        {
            FilterValue.Time t => t.UnixMs,
            FilterValue.RelativeTime r => nowMs + (long)r.Offset.TotalMilliseconds,
            var other => throw new FilterSyntaxException(0, $"expected a time, found {other}"),
        };
        // A range's bounds become dates (day partitions, the archive's days): they must be ones a date can hold.
        if (ms < MinDateMs || ms > MaxDateMs) throw new FilterSyntaxException(0, $"'{trimmed}' is outside the years 1 to 9999");
        return ms;
    }

    private static readonly long MinDateMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxDateMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary><c>now</c>, <c>now-15m</c> (s, m, h, d), an ISO 8601 instant, or Unix ms.</summary>
    private static FilterValue Time(Token token)
    {
        var text = token.Text;
        if (text.StartsWith("now", StringComparison.OrdinalIgnoreCase))
        {
            if (text.Length == 3) return new FilterValue.RelativeTime(TimeSpan.Zero);
            var sign = text[3] switch { '-' => -1, '+' => 1, _ => 0 };
            var unit = text[^1];
            if (sign != 0 && text.Length > 5 && long.TryParse(text.AsSpan(4, text.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                TimeSpan? span;
                try
                {
                    span = unit switch
                    {
                        's' => TimeSpan.FromSeconds(amount),
                        'm' => TimeSpan.FromMinutes(amount),
                        'h' => TimeSpan.FromHours(amount),
                        'd' => TimeSpan.FromDays(amount),
                        _ => null,
                    };
                }
                catch (OverflowException)
                {
                    throw new FilterSyntaxException(token.Position, $"'{text}' is further from now than a time can be");
                }
                if (span is { } offset) return new FilterValue.RelativeTime(sign * offset);
            }
            throw new FilterSyntaxException(token.Position, $"expected now, or now-N / now+N with s, m, h or d, found '{text}'");
        }
        if (token.Kind == TokenKind.Number && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            return new FilterValue.Time(ms);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            && text.Length >= 10 && char.IsAsciiDigit(text[0]))
            return new FilterValue.Time(at.ToUnixTimeMilliseconds());
        throw new FilterSyntaxException(token.Position, $"expected a time (2026-11-27T04:00:00Z, now-15m, or Unix ms), found {token}");
    }

    private sealed class Reader(List<Token> tokens, FilterFields fields, FilterLimits limits)
    {
        private int _at;
        private int _depth;
        private int _conditions;

        /// <summary>Into a parenthesis or a <c>not</c>.</summary>
        public void Enter(Token at)
        {
            if (++_depth > limits.MaxDepth)
                throw new FilterSyntaxException(at.Position, $"the filter nests deeper than {limits.MaxDepth} levels of parentheses and not");
        }

        public void Leave() => _depth--;

        /// <summary>One more condition (<c>field op value</c>).</summary>
        public void Counted(Token at)
        {
            if (++_conditions > limits.MaxConditions)
                throw new FilterSyntaxException(at.Position, $"the filter has more than {limits.MaxConditions} conditions");
        }

        public FilterFields Fields => fields;

        public Token Current => tokens[_at];

        public Token Next()
        {
            var token = tokens[_at];
            if (_at < tokens.Count - 1) _at++;
            return token;
        }

        public void Expect(TokenKind kind, string what)
        {
            var token = Next();
            if (token.Kind != kind) throw new FilterSyntaxException(token.Position, $"expected {what}, found {token}");
        }
    }
}
