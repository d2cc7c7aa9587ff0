namespace SiemActors.Domain.Normalization;

/// <summary>The input formats the pipeline reads.</summary>
public enum InputFormat
{
    /// <summary>Not recognised; as a configured format: detect per message ("auto").</summary>
    Unknown,
    Json,
    Rfc5424,
    Rfc3164,
    Cef,
    Leef,
}

/// <summary>Which format one message is in, from its first bytes.</summary>
public static class FormatDetector
{
    /// <summary>
    /// <c>{</c> → JSON; <c>CEF:</c> → CEF; <c>LEEF:</c> → LEEF; <c>&lt;PRI&gt;</c> then a version number and a space →
    /// RFC 5424; any other <c>&lt;PRI&gt;</c> → RFC 3164 (CEF and LEEF inside syslog are found after the header).
    /// Leading whitespace is ignored.
    /// </summary>
    public static InputFormat Detect(ReadOnlySpan<byte> input)
    {
        var start = 0;
        while (start < input.Length && input[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        var s = input[start..];
        if (s.IsEmpty) return InputFormat.Unknown;
        if (s[0] == '{') return InputFormat.Json;
        if (s.StartsWith("CEF:"u8)) return InputFormat.Cef;
        if (s.StartsWith("LEEF:"u8)) return InputFormat.Leef;
        var pri = Syslog.Pri.TryRead(s, out _);
        if (pri == 0) return InputFormat.Unknown;
        var i = pri;
        while (i < s.Length && i - pri < 3 && s[i] is >= (byte)'0' and <= (byte)'9') i++;
        return i > pri && s[pri] != '0' && i < s.Length && s[i] == ' ' ? InputFormat.Rfc5424 : InputFormat.Rfc3164;
    }
}
