namespace SiemActors.Domain.Events;

/// <summary>The syslog severity scale (RFC 5424), 0 most severe. Every format's severity maps onto it.</summary>
public enum Severity : byte
{
    Emergency = 0,
    Alert = 1,
    Critical = 2,
    Error = 3,
    Warning = 4,
    Notice = 5,
    Informational = 6,
    Debug = 7,
}

/// <summary>Names and numbers to <see cref="Severity"/>, case-insensitively, without allocating.</summary>
public static class SeverityNames
{
    /// <summary>Accepts 0–7, the RFC 5424 names and their usual short forms (emerg, crit, err, warn, info, …).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Severity severity)
    {
        severity = Severity.Informational;
        text = text.Trim();
        if (text.Length == 1 && text[0] is >= '0' and <= '7')
        {
            severity = (Severity)(text[0] - '0');
            return true;
        }
        Span<char> lower = stackalloc char[16];
        if (text.Length > lower.Length) return false;
        var n = text.ToLowerInvariant(lower);
        switch (lower[..n])
        {
            case "emergency" or "emerg" or "panic": severity = Severity.Emergency; return true;
            case "alert": severity = Severity.Alert; return true;
            case "critical" or "crit" or "fatal": severity = Severity.Critical; return true;
            case "error" or "err": severity = Severity.Error; return true;
            case "warning" or "warn": severity = Severity.Warning; return true;
            case "notice": severity = Severity.Notice; return true;
            case "informational" or "info" or "information": severity = Severity.Informational; return true;
            case "debug" or "trace": severity = Severity.Debug; return true;
            default: return false;
        }
    }

    /// <summary>The lowercase RFC 5424 name: emergency, alert, critical, error, warning, notice, informational, debug.</summary>
    public static string Name(this Severity severity) => severity switch
    {
        Severity.Emergency => "emergency",
        Severity.Alert => "alert",
        Severity.Critical => "critical",
        Severity.Error => "error",
        Severity.Warning => "warning",
        Severity.Notice => "notice",
        Severity.Informational => "informational",
        Severity.Debug => "debug",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "not a syslog severity"),
    };
}
