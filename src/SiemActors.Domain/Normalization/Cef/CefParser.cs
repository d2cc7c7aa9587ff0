using System.Text;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>
/// ArcSight CEF: <c>CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|key=value key=value …</c>, scanned as
/// UTF-8 bytes (every delimiter is ASCII, so no multi-byte character can be mistaken for one): only the strings the
/// event keeps are decoded. Header fields unescape <c>\|</c> and <c>\\</c>; extension values unescape
/// <c>\= \\ \n \r</c> and run until the next unescaped <c>key=</c>. Standard keys map to the schema (docs/schema.md);
/// <c>cs1=…</c> with <c>cs1Label=…</c> (and every other <c>xxxLabel</c> pair) become <c>attributes[label]</c>; other
/// keys become attributes as they are.
/// </summary>
public sealed class CefParser(NormalizerLimits limits)
{
    private const int HeaderFields = 7;

    public NormalizeResult Parse(ReadOnlyMemory<byte> input, Events.KafkaOrigin origin, long recordTimestamp, long ingestedAt) =>
        Parse(input, input.Span, WrapperFallback.None, origin, recordTimestamp, ingestedAt);

    internal NormalizeResult Parse(ReadOnlyMemory<byte> raw, ReadOnlySpan<byte> cef, WrapperFallback fallback, Events.KafkaOrigin origin,
        long recordTimestamp, long ingestedAt)
    {
        if (!cef.StartsWith("CEF:"u8)) return Reject("does not start with CEF:");
        var header = new string[HeaderFields];
        var at = 4;
        for (var i = 0; i < HeaderFields; i++)
        {
            if (ReadHeaderField(cef, ref at) is not { } field) return Reject($"the header has {i} of 7 '|'-separated fields");
            header[i] = field;
        }
        var draft = new EventDraft { Source = header[2].Length > 0 ? header[2] : "cef", ExpectedAttributes = 16 }; // 7 from the header
        draft.AddAttribute("cef.version", header[0]);
        draft.AddAttribute("cef.vendor", header[1]);
        draft.AddAttribute("cef.product", header[2]);
        draft.AddAttribute("cef.device_version", header[3]);
        draft.AddAttribute("cef.signature", header[4]);
        draft.AddAttribute("cef.name", header[5]);
        if (VendorSeverity.TryMap(header[6], out var severity)) draft.Severity = severity;
        else draft.AddAttribute("cef.severity", header[6]);

        var ext = cef[at..];
        var keys = KeyPositions(ext, limits.MaxFields - 6);
        if (keys is null) return NormalizeResult.Reject(DeadLetter.TooManyFields, $"more than {limits.MaxFields} fields");
        Dictionary<string, string>? labels = null; // csN → its csNLabel's value, only when the message has labels
        for (var k = 0; k < keys.Count; k++)
        {
            var key = Key(ext, keys[k]);
            if (!key.EndsWith("Label"u8) || Value(ext, keys, k).IsEmpty) continue;
            var labelled = key[..^5];
            if (!HasKey(ext, keys, labelled)) continue; // a label without its value: kept as an attribute below
            var labelValue = Value(ext, keys, k);
            (labels ??= new(StringComparer.Ordinal))[Encoding.UTF8.GetString(labelled)] =
                KeyValueMapping.Text(labelValue.IndexOf((byte)'\\') < 0 ? labelValue : Unescape(labelValue, new byte[labelValue.Length]));
        }
        Span<byte> scratch = stackalloc byte[512];
        for (var k = 0; k < keys.Count; k++)
        {
            var key = Key(ext, keys[k]);
            var escaped = Value(ext, keys, k);
            var value = escaped.IndexOf((byte)'\\') < 0 ? escaped
                : Unescape(escaped, escaped.Length <= scratch.Length ? scratch : new byte[escaped.Length]);
            if (labels is not null)
            {
                if (key.EndsWith("Label"u8) && labels.ContainsKey(Encoding.UTF8.GetString(key[..^5]))) continue; // used with its value
                if (labels.TryGetValue(Encoding.UTF8.GetString(key), out var label))
                {
                    draft.AddAttribute(label, KeyValueMapping.Text(value));
                    continue;
                }
            }
            if (!KeyValueMapping.Apply(ref draft, key, value)) draft.AddAttribute(KeyValueMapping.Text(key), KeyValueMapping.Text(value));
        }
        draft.Message ??= header[5];
        fallback.ApplyTo(ref draft);
        return NormalizeResult.Ok(draft.Build(raw, origin, recordTimestamp, ingestedAt));
    }

    /// <summary>Up to the next unescaped '|', unescaping <c>\|</c> and <c>\\</c>; null if there is no '|'.</summary>
    private static string? ReadHeaderField(ReadOnlySpan<byte> cef, ref int at)
    {
        var rest = cef[at..];
        var end = rest.IndexOfAny((byte)'|', (byte)'\\');
        if (end >= 0 && rest[end] == '|')
        {
            at += end + 1;
            return end == 0 ? "" : Encoding.UTF8.GetString(rest[..end]); // no escapes: decoded as it is
        }
        var bytes = new byte[rest.Length];
        var n = 0;
        for (var i = 0; i < rest.Length; i++)
        {
            var b = rest[i];
            if (b == '\\' && i + 1 < rest.Length && rest[i + 1] is (byte)'|' or (byte)'\\')
            {
                bytes[n++] = rest[++i];
                continue;
            }
            if (b == '|')
            {
                at += i + 1;
                return Encoding.UTF8.GetString(bytes, 0, n);
            }
            bytes[n++] = b;
        }
        return null;
    }

    /// <summary>
    /// Where each key starts and where its '=' is: an unescaped '=' preceded by a run of key characters that starts the
    /// extension or follows a space. Null when there are more than <paramref name="max"/>.
    /// </summary>
    private static List<(int Start, int EqualsSign)>? KeyPositions(ReadOnlySpan<byte> ext, int max)
    {
        var keys = new List<(int, int)>();
        for (var i = 0; i < ext.Length; i++)
        {
            if (ext[i] == '\\')
            {
                i++;
                continue;
            }
            if (ext[i] != '=') continue;
            var start = i;
            while (start > 0 && IsKeyByte(ext[start - 1])) start--;
            if (start == i || (start > 0 && ext[start - 1] != ' ')) continue;
            if (keys.Count == max) return null;
            keys.Add((start, i));
        }
        return keys;
    }

    private static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> ext, (int Start, int EqualsSign) key) => ext[key.Start..key.EqualsSign];

    /// <summary>From after the '=' to the space before the next key (or the end), trailing spaces trimmed.</summary>
    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> ext, List<(int Start, int EqualsSign)> keys, int k)
    {
        var from = keys[k].EqualsSign + 1;
        var end = k + 1 < keys.Count ? keys[k + 1].Start - 1 : ext.Length;
        return ext[from..Math.Max(from, end)].TrimEnd((byte)' ');
    }

    private static bool HasKey(ReadOnlySpan<byte> ext, List<(int Start, int EqualsSign)> keys, ReadOnlySpan<byte> name)
    {
        foreach (var key in keys)
        {
            if (Key(ext, key).SequenceEqual(name)) return true;
        }
        return false;
    }

    private static bool IsKeyByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-' or (byte)'[' or (byte)']';

    /// <summary>The value with its escapes (<c>\=</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>, any other escaped byte) resolved into <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> value, Span<byte> buffer)
    {
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                buffer[n++] = next switch { (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', _ => next };
                continue;
            }
            buffer[n++] = value[i];
        }
        return buffer[..n];
    }

    private static NormalizeResult Reject(string detail) => NormalizeResult.Reject(DeadLetter.BadCef, detail);
}
