namespace SiemActors.Domain.Normalization.Syslog;

/// <summary>The syslog PRI part, <c>&lt;facility * 8 + severity&gt;</c>, and the facility names of RFC 5424.</summary>
internal static class Pri
{
    private static readonly string[] Facilities =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    /// <summary>Reads <c>&lt;N&gt;</c> (1–3 digits, 0–191) at the start; returns the bytes consumed, or 0 if there is none.</summary>
    public static int TryRead(ReadOnlySpan<byte> input, out int value)
    {
        value = 0;
        if (input.Length < 3 || input[0] != (byte)'<') return 0;
        var i = 1;
        while (i < input.Length && i <= 3 && input[i] is >= (byte)'0' and <= (byte)'9') value = value * 10 + (input[i++] - '0');
        if (i == 1 || i >= input.Length || input[i] != (byte)'>' || value > 191) return 0;
        if (i > 2 && input[1] == (byte)'0') return 0; // no leading zeros, except <0>
        return i + 1;
    }

    public static string FacilityName(int pri) => Facilities[pri >> 3];
}
