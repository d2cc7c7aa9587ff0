using System.Text;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>
/// ArcSight CEF: <c>CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|key=value key=value …</c>.
/// Header fields unescape <c>\|</c> and <c>\\</c>; extension values unescape <c>\= \\ \n \r</c> and run until the next
/// unescaped <c>key=</c>. Standard keys map to the schema (docs/schema.md); <c>cs1=…</c> with <c>cs1Label=…</c>
/// (and every other <c>xxxLabel</c> pair) become <c>attributes[label]</c>; other keys become attributes as they are.
/// </summary>
public sealed class CefParser(NormalizerLimits limits)
{
    public NormalizeResult Parse(ReadOnlyMemory<byte> input, Events.KafkaOrigin origin, long recordTimestamp, long ingestedAt) =>
        Parse(input, input.Span, WrapperFallback.None, origin, recordTimestamp, ingestedAt);

    internal NormalizeResult Parse(ReadOnlyMemory<byte> raw, ReadOnlySpan<byte> cef, WrapperFallback fallback, Events.KafkaOrigin origin,
        long recordTimestamp, long ingestedAt)
    {
        var text = Encoding.UTF8.GetString(cef);
        if (!text.StartsWith("CEF:", StringComparison.Ordinal)) return Reject("does not start with CEF:");
        var header = new string[7];
        var at = 4;
        for (var i = 0; i < header.Length; i++)
        {
            if (ReadHeaderField(text, ref at) is not { } field) return Reject($"the header has {i} of 7 '|'-separated fields");
            header[i] = field;
        }
        var draft = new EventDraft { Source = header[2].Length > 0 ? header[2] : "cef" };
        draft.AddAttribute("cef.version", header[0]);
        draft.AddAttribute("cef.vendor", header[1]);
        draft.AddAttribute("cef.product", header[2]);
        draft.AddAttribute("cef.device_version", header[3]);
        draft.AddAttribute("cef.signature", header[4]);
        draft.AddAttribute("cef.name", header[5]);
        if (VendorSeverity.TryMap(header[6], out var severity)) draft.Severity = severity;
        else draft.AddAttribute("cef.severity", header[6]);

        var pairs = Extension(text.AsSpan(at));
        if (pairs.Count + 6 > limits.MaxFields) return NormalizeResult.Reject(DeadLetter.TooManyFields, $"more than {limits.MaxFields} fields");
        Dictionary<string, string>? labels = null; // csN → its csNLabel, only when the message has labels
        foreach (var (key, value) in pairs)
        {
            if (key.EndsWith("Label", StringComparison.Ordinal) && value.Length > 0) (labels ??= new(StringComparer.Ordinal))[key[..^5]] = value;
        }
        foreach (var (key, value) in pairs)
        {
            if (labels is not null && key.EndsWith("Label", StringComparison.Ordinal) && labels.ContainsKey(key[..^5])
                && pairs.Exists(p => p.Key == key[..^5])) continue; // consumed with its value
            if (labels is not null && labels.TryGetValue(key, out var label)) draft.AddAttribute(label, value);
            else if (!KeyValueMapping.Apply(ref draft, key, value)) draft.AddAttribute(key, value);
        }
        draft.Message ??= header[5];
        fallback.ApplyTo(ref draft);
        return NormalizeResult.Ok(draft.Build(raw, origin, recordTimestamp, ingestedAt));
    }

    /// <summary>Up to the next unescaped '|', unescaping <c>\|</c> and <c>\\</c>; null if there is no '|'.</summary>
    private static string? ReadHeaderField(string text, ref int at)
    {
        var rest = text.AsSpan(at);
        var end = rest.IndexOfAny('|', '\\');
        if (end >= 0 && rest[end] == '|')
        {
            at += end + 1;
            return end == 0 ? "" : new string(rest[..end]); // no escapes: one substring
        }
        var sb = new StringBuilder();
        for (var i = at; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '|' or '\\')
            {
                sb.Append(text[++i]);
                continue;
            }
            if (c == '|')
            {
                at = i + 1;
                return sb.ToString();
            }
            sb.Append(c);
        }
        return null;
    }

    /// <summary>The extension's key=value pairs, in order.</summary>
    internal static List<(string Key, string Value)> Extension(ReadOnlySpan<char> ext)
    {
        // Where each key starts and where its '=' is: an unescaped '=' preceded by a run of key characters that
        // starts the extension or follows a space.
        var keys = new List<(int Start, int EqualsSign)>();
        for (var i = 0; i < ext.Length; i++)
        {
            if (ext[i] == '\\')
            {
                i++;
                continue;
            }
            if (ext[i] != '=') continue;
            var start = i;
            while (start > 0 && IsKeyChar(ext[start - 1])) start--;
            if (start == i || (start > 0 && ext[start - 1] != ' ')) continue;
            keys.Add((start, i));
        }
        var pairs = new List<(string, string)>(keys.Count);
        for (var k = 0; k < keys.Count; k++)
        {
            var end = k + 1 < keys.Count ? keys[k + 1].Start - 1 : ext.Length;
            var value = ext[(keys[k].EqualsSign + 1)..Math.Max(keys[k].EqualsSign + 1, end)].TrimEnd();
            pairs.Add((ext[keys[k].Start..keys[k].EqualsSign].ToString(), Unescape(value)));
        }
        return pairs;
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '[' or ']';

    private static string Unescape(ReadOnlySpan<char> value)
    {
        if (value.IndexOf('\\') < 0) return value.ToString();
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                sb.Append(next switch { 'n' => '\n', 'r' => '\r', _ => next });
                continue;
            }
            sb.Append(value[i]);
        }
        return sb.ToString();
    }

    private static NormalizeResult Reject(string detail) => NormalizeResult.Reject(DeadLetter.BadCef, detail);
}
