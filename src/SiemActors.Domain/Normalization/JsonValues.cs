using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization;

/// <summary>Reads one JSON value as the type a schema field needs; false when it is not one.</summary>
internal static class JsonValues
{
    /// <summary>Strings as they are; numbers, booleans and arrays as their JSON text; null as null.</summary>
    public static string? Text(ref Utf8JsonReader reader, ReadOnlySpan<byte> input)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return JsonText.GetString(ref reader);
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Encoding.UTF8.GetString(input[start..(int)reader.BytesConsumed]);
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    /// <summary>ISO 8601 text, or Unix time as a number (seconds below 10^11, else milliseconds).</summary>
    public static bool TryTimestamp(ref Utf8JsonReader reader, out long unixMs)
    {
        unixMs = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out var whole))
            {
                // whole > -10^11 and < 10^11 (not Math.Abs: it throws on long.MinValue).
                unixMs = whole is > -100_000_000_000 and < 100_000_000_000 ? whole * 1000 : whole;
                return EventTime.IsValid(unixMs);
            }
            if (reader.TryGetDouble(out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < 1e11)
            {
                unixMs = (long)Math.Round(seconds * 1000);
                return EventTime.IsValid(unixMs);
            }
            return false;
        }
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 64 || reader.HasValueSequence) return false;
        if (!reader.ValueIsEscaped && reader.TryGetDateTimeOffset(out var iso))
        {
            unixMs = iso.ToUnixTimeMilliseconds();
            return true;
        }
        // Other common shapes ("2026-11-27 04:00:01", "27/Nov/2026:04:00:01 +0000" is left to attributes).
        Span<char> text = stackalloc char[64];
        var length = JsonText.CopyString(ref reader, text);
        if (length >= 0 && DateTimeOffset.TryParse(text[..length], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var loose))
        {
            unixMs = loose.ToUnixTimeMilliseconds();
            return true;
        }
        return false;
    }

    /// <summary>0–7 as a number or text, or a severity name.</summary>
    public static bool TrySeverity(ref Utf8JsonReader reader, out Severity severity)
    {
        severity = Severity.Informational;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt32(out var n) || n is < 0 or > 7) return false;
            severity = (Severity)n;
            return true;
        }
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 16) return false;
        Span<char> text = stackalloc char[16];
        var length = JsonText.CopyString(ref reader, text);
        return length >= 0 && SeverityNames.TryParse(text[..length], out severity);
    }

    /// <summary>A port: 0–65535 as a number or numeric text.</summary>
    public static bool TryPort(ref Utf8JsonReader reader, out int port)
    {
        port = 0;
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetInt32(out port) && port is >= 0 and <= 65535;
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 5) return false;
        Span<char> text = stackalloc char[8];
        var length = JsonText.CopyString(ref reader, text);
        return length >= 0 && int.TryParse(text[..length], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    /// <summary>An IPv4 or IPv6 address as text, returned in its canonical form.</summary>
    public static bool TryIp(ref Utf8JsonReader reader, out string? ip)
    {
        ip = null;
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 64) return false;
        Span<char> text = stackalloc char[64];
        var length = JsonText.CopyString(ref reader, text);
        if (length < 0 || !IPAddress.TryParse(text[..length], out var address)) return false;
        ip = address.ToString();
        return true;
    }

    /// <summary>An array of strings, or one string.</summary>
    public static bool TryTags(ref Utf8JsonReader reader, out List<string>? tags)
    {
        tags = null;
        if (reader.TokenType == JsonTokenType.String)
        {
            tags = [JsonText.GetString(ref reader)];
            return true;
        }
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                continue; // a non-string tag is dropped, the rest are kept
            }
            list.Add(JsonText.GetString(ref reader));
        }
        tags = list;
        return true;
    }
}
