namespace SiemActors.Sinks.ClickHouse;

/// <summary>An error ClickHouse answered with: its code (<c>Code: N</c>), the HTTP status and its message.</summary>
public sealed class ClickHouseServerException(int code, int httpStatus, string message)
    : Exception($"ClickHouse error {code} (HTTP {httpStatus}): {message}")
{
    public int Code => code;

    public int HttpStatus => httpStatus;

    /// <summary>
    /// Errors that go away by themselves: overload, too many parts, memory, timeouts, network, a table being
    /// created elsewhere, and HTTP 502/503/504 from a proxy in front. Anything else is a bug or a schema mismatch and
    /// is not retried.
    /// </summary>
    public bool IsTransient => code is 159 or 160 or 164 or 202 or 203 or 209 or 210 or 236 or 241 or 242 or 252 or 285 or 319 or 425
                               || httpStatus is 502 or 503 or 504;

    public static ClickHouseServerException From(int httpStatus, string body)
    {
        var code = 0;
        const string marker = "Code: ";
        var at = body.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var end = at + marker.Length;
            while (end < body.Length && char.IsAsciiDigit(body[end])) end++;
            int.TryParse(body.AsSpan(at + marker.Length, end - at - marker.Length), out code);
        }
        return new ClickHouseServerException(code, httpStatus, body.Trim());
    }
}
