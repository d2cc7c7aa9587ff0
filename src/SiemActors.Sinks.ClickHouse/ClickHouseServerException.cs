namespace SiemActors.Sinks.ClickHouse;

/// <summary>An error ClickHouse answered with: its code (<c>Code: N</c>), the HTTP status and its message.</summary>
public sealed class ClickHouseServerException(int code, int httpStatus, string message)
    : Exception($"ClickHouse error {code} (HTTP {httpStatus}): {message}")
{
    public int Code => code;

    public int HttpStatus => httpStatus;

    /// <summary>
    /// Errors that go away by themselves: overload, too many parts, memory, timeouts, network, a table being
    /// created elsewhere, a replicated table read-only or short of replicas for its insert quorum, and HTTP 502/503/504 from a proxy in front. Anything else is a bug or a schema mismatch and
    /// is not retried.
    /// </summary>
    public bool IsTransient => (code is 159 or 160 or 164 or 202 or 203 or 209 or 210 or 236 or 241 or 242 or 252 or 285 or 286 or 289 or 319 or 425
                                || httpStatus is 502 or 503 or 504) && !IsContentError;

    /// <summary>What the server said, without the client's prefix.</summary>
    public string ServerMessage => message;

    /// <summary>
    /// Errors about the data of an insert (a value that does not parse or fit, a check that throws, more partitions
    /// than one insert may touch): the same rows fail again however often they are sent, and other rows pass. The event
    /// writer splits such an insert until it has found the rows, dead-letters them and stores the rest.
    /// </summary>
    public bool IsContentError => code is 6 or 19 or 25 or 26 or 27 or 32 or 33 or 38 or 41 or 53 or 69 or 70 or 72 or 117 or 128 or 130
                                      or 131 or 321 or 395 or 469
                                  || code == 252 && message.Contains("partitions for single INSERT block", StringComparison.Ordinal);

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
