using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace SiemActors.Api.History;

/// <summary>
/// Where a page of history ended: the last row's event time and id. The next page continues strictly after it in the
/// order <c>event_time_ms DESC, event_id DESC</c> (keyset pagination: no OFFSET, stable while rows arrive). Opaque
/// to clients: base64url of <c>ms:served:id</c>, where <c>served</c> counts the rows this search returned so far
/// (bounded by <c>siem.api.limits.max-result-window</c>).
/// </summary>
public sealed record HistoryCursor(long TimestampMs, string EventId, long Served = 0)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        $"{TimestampMs.ToString(CultureInfo.InvariantCulture)}:{Served.ToString(CultureInfo.InvariantCulture)}:{EventId}"));

    public static bool TryDecode(string? text, out HistoryCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text)) return true;
        try
        {
            var plain = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            var colon = plain.IndexOf(':');
            if (colon <= 0 || !long.TryParse(plain.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)) return false;
            var rest = plain[(colon + 1)..];
            var second = rest.IndexOf(':');
            if (second <= 0 || !long.TryParse(rest.AsSpan(0, second), NumberStyles.None, CultureInfo.InvariantCulture, out var served)) return false;
            cursor = new HistoryCursor(ms, rest[(second + 1)..], served);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
