using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SiemActors.Domain.Normalization;

/// <summary>
/// The text of a JSON string or property name, decoded so that no byte sequence can throw: bytes that are not UTF-8
/// (<c>\xff</c>, overlong forms, truncated sequences) and escaped surrogates without their pair (<c>\ud800</c>) become
/// U+FFFD. <see cref="Utf8JsonReader.GetString"/> and <c>CopyString</c> throw on both, and what a shipper forwards is
/// whatever an attacker wrote; the event's raw bytes are kept as they came, so nothing is lost by the replacement.
/// </summary>
internal static class JsonText
{
    /// <summary>The string token's text, decoded leniently.</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence) return Encoding.UTF8.GetString(reader.ValueSpan);
        var raw = Raw(ref reader, out var rented);
        try
        {
            if (!reader.ValueIsEscaped) return Encoding.UTF8.GetString(raw);
            var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
            try
            {
                return Encoding.UTF8.GetString(buffer, 0, Unescape(raw, buffer));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The string token's text into <paramref name="destination"/>, decoded leniently; -1 when it does not fit. At most
    /// as many characters as the token has bytes, so a destination that long always fits.
    /// </summary>
    public static int CopyString(ref Utf8JsonReader reader, scoped Span<char> destination)
    {
        var raw = Raw(ref reader, out var rented);
        try
        {
            if (!reader.ValueIsEscaped) return Decode(raw, destination);
            var buffer = raw.Length <= 256 ? stackalloc byte[raw.Length] : new byte[raw.Length];
            return Decode(buffer[..Unescape(raw, buffer)], destination);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Unescaped text is never longer than its escaped form: a token of n bytes decodes to at most n characters.</summary>
    public static int MaxChars(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;

    private static int Decode(ReadOnlySpan<byte> utf8, Span<char> destination)
    {
        if (Encoding.UTF8.GetMaxCharCount(utf8.Length) > destination.Length && Encoding.UTF8.GetCharCount(utf8) > destination.Length) return -1;
        return Encoding.UTF8.GetChars(utf8, destination);
    }

    private static ReadOnlySpan<byte> Raw(ref Utf8JsonReader reader, out byte[]? rented)
    {
        rented = null;
        if (!reader.HasValueSequence) return reader.ValueSpan;
        var length = checked((int)reader.ValueSequence.Length);
        rented = ArrayPool<byte>.Shared.Rent(length);
        reader.ValueSequence.CopyTo(rented);
        return rented.AsSpan(0, length);
    }

    /// <summary>
    /// Resolves JSON escapes into UTF-8 (the output is never longer than the input). A <c>\u</c> surrogate is kept only
    /// with its pair; alone it becomes U+FFFD. Other bytes are copied as they are (the decoder replaces invalid ones).
    /// The reader has checked the escapes' syntax; anything else here is copied rather than trusted.
    /// </summary>
    internal static int Unescape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (b != (byte)'\\' || i + 1 >= source.Length)
            {
                destination[n++] = b;
                continue;
            }
            var e = source[++i];
            switch (e)
            {
                case (byte)'n': destination[n++] = (byte)'\n'; break;
                case (byte)'r': destination[n++] = (byte)'\r'; break;
                case (byte)'t': destination[n++] = (byte)'\t'; break;
                case (byte)'b': destination[n++] = (byte)'\b'; break;
                case (byte)'f': destination[n++] = (byte)'\f'; break;
                case (byte)'u' when TryHex(source, i + 1, out var unit):
                    i += 4;
                    int codePoint;
                    if (char.IsHighSurrogate((char)unit) && i + 2 < source.Length && source[i + 1] == '\\' && source[i + 2] == 'u'
                        && TryHex(source, i + 3, out var low) && char.IsLowSurrogate((char)low))
                    {
                        codePoint = char.ConvertToUtf32((char)unit, (char)low);
                        i += 6;
                    }
                    else
                    {
                        codePoint = char.IsSurrogate((char)unit) ? 0xFFFD : unit;
                    }
                    n += new Rune(codePoint).EncodeToUtf8(destination[n..]);
                    break;
                default: destination[n++] = e; break; // \" \\ \/ (and anything else, as the character itself)
            }
        }
        return n;
    }

    private static bool TryHex(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length) return false;
        for (var k = 0; k < 4; k++)
        {
            var c = s[at + k];
            var digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return false;
            value = value * 16 + digit;
        }
        return true;
    }
}
