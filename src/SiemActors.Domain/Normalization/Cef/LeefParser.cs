using System.Globalization;
using System.Text;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>
/// IBM QRadar LEEF 1.0 (<c>LEEF:1.0|Vendor|Product|Version|EventID|k=v&lt;TAB&gt;k=v…</c>) and 2.0 (a sixth header
/// field names the attribute delimiter: one character, or its code as <c>0x09</c> / <c>x09</c> / <c>\t</c>).
/// Standard keys map to the schema (docs/schema.md); the others become attributes as they are.
/// </summary>
public sealed class LeefParser(NormalizerLimits limits)
{
    public NormalizeResult Parse(ReadOnlyMemory<byte> input, Events.KafkaOrigin origin, long recordTimestamp, long ingestedAt) =>
        Parse(input, input.Span, WrapperFallback.None, origin, recordTimestamp, ingestedAt);

    internal NormalizeResult Parse(ReadOnlyMemory<byte> raw, ReadOnlySpan<byte> leef, WrapperFallback fallback, Events.KafkaOrigin origin,
        long recordTimestamp, long ingestedAt)
    {
        var text = Encoding.UTF8.GetString(leef);
        if (!text.StartsWith("LEEF:", StringComparison.Ordinal)) return Reject("does not start with LEEF:");
        var parts = text[5..].Split('|', 7);
        var version = parts[0];
        var headerFields = version.StartsWith('2') ? 6 : 5;
        if (parts.Length < headerFields + (version.StartsWith('2') ? 1 : 0))
            return Reject($"LEEF {version} needs {headerFields} '|'-separated header fields, found {parts.Length - 1}");
        var delimiter = '\t';
        string attributes;
        if (version.StartsWith('2'))
        {
            if (!TryDelimiter(parts[5], out delimiter)) return Reject($"'{parts[5]}' is not a delimiter (a character, 0xNN or xNN)");
            attributes = parts.Length > 6 ? parts[6] : "";
        }
        else
        {
            attributes = string.Join('|', parts.Skip(5));
        }

        var draft = new EventDraft { Source = parts[2].Length > 0 ? parts[2] : "leef" };
        draft.AddAttribute("leef.version", version);
        draft.AddAttribute("leef.vendor", parts[1]);
        draft.AddAttribute("leef.product", parts[2]);
        draft.AddAttribute("leef.product_version", parts[3]);
        draft.AddAttribute("leef.event_id", parts[4]);
        var pairs = attributes.Split(delimiter, StringSplitOptions.RemoveEmptyEntries);
        if (pairs.Length + 5 > limits.MaxFields) return NormalizeResult.Reject(DeadLetter.TooManyFields, $"more than {limits.MaxFields} fields");
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) continue; // not key=value: dropped, the raw line keeps it
            var key = pair[..eq].Trim();
            var value = pair[(eq + 1)..];
            if (!KeyValueMapping.Apply(ref draft, key, value)) draft.AddAttribute(key, value);
        }
        draft.Message ??= parts[4];
        fallback.ApplyTo(ref draft);
        return NormalizeResult.Ok(draft.Build(raw, origin, recordTimestamp, ingestedAt));
    }

    private static bool TryDelimiter(string spec, out char delimiter)
    {
        delimiter = '\t';
        if (spec == "\\t") return true;
        var hex = spec.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? spec[2..]
            : spec.StartsWith('x') || spec.StartsWith('X') ? spec[1..] : null;
        if (hex is not null && hex.Length is 1 or 2 or 4 && int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
        {
            delimiter = (char)code;
            return true;
        }
        if (spec.Length != 1) return false;
        delimiter = spec[0];
        return true;
    }

    private static NormalizeResult Reject(string detail) => NormalizeResult.Reject(DeadLetter.BadLeef, detail);
}
