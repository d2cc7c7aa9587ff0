using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>
/// CEF and LEEF severities (0–10, or CEF's Low/Medium/High/Very-High) onto the syslog scale; documented in
/// docs/schema.md.
/// </summary>
internal static class VendorSeverity
{
    public static bool TryMap(ReadOnlySpan<char> text, out Severity severity)
    {
        severity = Severity.Informational;
        text = text.Trim();
        if (int.TryParse(text, out var n))
        {
            if (n is < 0 or > 10) return false;
            severity = n switch
            {
                <= 1 => Severity.Informational,
                <= 3 => Severity.Notice,
                <= 5 => Severity.Warning,
                <= 7 => Severity.Error,
                <= 9 => Severity.Critical,
                _ => Severity.Alert,
            };
            return true;
        }
        if (text.Equals("Unknown", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Equals("Low", StringComparison.OrdinalIgnoreCase)) severity = Severity.Notice;
        else if (text.Equals("Medium", StringComparison.OrdinalIgnoreCase)) severity = Severity.Warning;
        else if (text.Equals("High", StringComparison.OrdinalIgnoreCase)) severity = Severity.Error;
        else if (text.Equals("Very-High", StringComparison.OrdinalIgnoreCase)) severity = Severity.Critical;
        else return false;
        return true;
    }
}
