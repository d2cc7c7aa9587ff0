using System.Net;

namespace SiemActors.Domain.Filtering;

/// <summary>A parsed filter: one AST for the in-memory predicate and the ClickHouse translation.</summary>
public abstract record FilterExpr
{
    public sealed record And(FilterExpr Left, FilterExpr Right) : FilterExpr;

    public sealed record Or(FilterExpr Left, FilterExpr Right) : FilterExpr;

    public sealed record Not(FilterExpr Operand) : FilterExpr;

    public sealed record Constant(bool Value) : FilterExpr;

    /// <summary><c>field op value</c>; for severity, bigger means more severe (<c>severity >= warning</c>).</summary>
    public sealed record Compare(FilterField Field, CompareOp Op, FilterValue Value) : FilterExpr;

    /// <summary><c>field in (v1, v2, …)</c>.</summary>
    public sealed record In(FilterField Field, IReadOnlyList<FilterValue> Values) : FilterExpr
    {
        public bool Equals(In? other) => other is not null && Field == other.Field && Values.SequenceEqual(other.Values);

        public override int GetHashCode() => HashCode.Combine(Field, Values.Count);
    }

    /// <summary><c>address_field in 10.0.0.0/8</c>.</summary>
    public sealed record InNetwork(FilterField Field, IPNetwork Network) : FilterExpr;

    /// <summary><c>field contains "x"</c> (for tags: has the tag), <c>field startswith "x"</c>; case-sensitive.</summary>
    public sealed record Text(FilterField Field, TextOp Op, string Value) : FilterExpr;

    /// <summary><c>field matches /regex/</c>.</summary>
    public sealed record Matches(FilterField Field, string Pattern) : FilterExpr;
}

public enum CompareOp
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

public enum TextOp
{
    Contains,
    StartsWith,
}

/// <summary>A literal: text, a number (also severities as 0–7 codes), or a time (absolute, or relative to now).</summary>
public abstract record FilterValue
{
    public sealed record Text(string Value) : FilterValue;

    public sealed record Number(long Value) : FilterValue;

    /// <summary>A syslog severity code 0–7.</summary>
    public sealed record Severity(Events.Severity Value) : FilterValue;

    /// <summary>An instant, Unix ms.</summary>
    public sealed record Time(long UnixMs) : FilterValue;

    /// <summary><c>now</c>, <c>now-15m</c>: an offset from the moment of evaluation.</summary>
    public sealed record RelativeTime(TimeSpan Offset) : FilterValue;
}
