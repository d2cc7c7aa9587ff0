using System.Globalization;
using System.Text;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>
/// IBM QRadar LEEF 1.0 (<c>LEEF:1.0|Vendor|Product|Version|EventID|k=v&lt;TAB&gt;k=v…</c>) and 2.0 (a sixth header
/// field names the attribute delimiter: one character, or its code as <c>0x09</c> / <c>x09</c> / <c>\t</c>), scanned
/// as bytes. Standard keys map to the schema (docs/schema.md); the others become attributes as they are.
/// </summary>
public sealed class LeefParser(NormalizerLimits limits)
{
    public NormalizeResult Parse(ReadOnlyMemory<byte> input, Events.KafkaOrigin origin, long recordTimestamp, long ingestedAt) =>
        Parse(input, input.Span, WrapperFallback.None, origin, recordTimestamp, ingestedAt);

    internal NormalizeResult Parse(ReadOnlyMemory<byte> raw, ReadOnlySpan<byte> leef, WrapperFallback fallback, Events.KafkaOrigin origin,
        long recordTimestamp, long ingestedAt)
    {
        if (!leef.StartsWith("LEEF:"u8)) return Reject("does not start with LEEF:");
        var rest = leef[5..];
        var versionEnd = rest.IndexOf((byte)'|');
        var isV2 = versionEnd > 0 && rest[0] == '2';
        var fields = isV2 ? 6 : 5;
        var header = new string[fields];
        for (var i = 0; i < fields; i++)
        {
            var bar = rest.IndexOf((byte)'|');
            if (bar < 0)
            {
                var version = header[0] ?? Encoding.UTF8.GetString(rest);
                return Reject($"LEEF {version} needs {(isV2 ? 6 : 5)} '|'-separated header fields, found {i}");
            }
            header[i] = Encoding.UTF8.GetString(rest[..bar]);
            rest = rest[(bar + 1)..];
        }
        Span<byte> delimiter = stackalloc byte[4];
        var delimiterLength = 1;
        delimiter[0] = (byte)'\t';
        if (isV2)
        {
            if (!TryDelimiter(header[5], out var c)) return Reject($"'{header[5]}' is not a delimiter (a character, 0xNN or xNN)");
            delimiterLength = Encoding.UTF8.GetBytes([c], delimiter);
        }

        var draft = new EventDraft { Source = header[2].Length > 0 ? header[2] : "leef", ExpectedAttributes = 8 }; // 5 from the header
        draft.AddAttribute("leef.version", header[0]);
        draft.AddAttribute("leef.vendor", header[1]);
        draft.AddAttribute("leef.product", header[2]);
        draft.AddAttribute("leef.product_version", header[3]);
        draft.AddAttribute("leef.event_id", header[4]);
        var count = 0;
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf(delimiter[..delimiterLength]);
            var pair = next < 0 ? rest : rest[..next];
            rest = next < 0 ? [] : rest[(next + delimiterLength)..];
            var eq = pair.IndexOf((byte)'=');
            if (eq <= 0) continue; // not key=value: dropped, the raw line keeps it
            if (++count + 5 > limits.MaxFields) return NormalizeResult.Reject(DeadLetter.TooManyFields, $"more than {limits.MaxFields} fields");
            var key = pair[..eq].Trim((byte)' ');
            var value = pair[(eq + 1)..];
            if (!KeyValueMapping.Apply(ref draft, key, value)) draft.AddAttribute(KeyValueMapping.Text(key), KeyValueMapping.Text(value));
        }
        draft.Message ??= header[4];
        fallback.ApplyTo(ref draft);
        return NormalizeResult.Ok(draft.Build(raw, origin, recordTimestamp, ingestedAt));
    }

    private static bool TryDelimiter(string spec, out char delimiter)
    {
        delimiter = '\t';
        if (spec == "\\t") return true;
        var hex = spec.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? spec[2..]
            : spec.StartsWith('x') || spec.StartsWith('X') ? spec[1..] : null;
        if (hex is not null && hex.Length is 1 or 2 or 4 && int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
            && code is > 0 and < 0xD800)
        {
            delimiter = (char)code;
            return true;
        }
        if (spec.Length != 1 || char.IsSurrogate(spec[0])) return false;
        delimiter = spec[0];
        return true;
    }

    private static NormalizeResult Reject(string detail) => NormalizeResult.Reject(DeadLetter.BadLeef, detail);
}
