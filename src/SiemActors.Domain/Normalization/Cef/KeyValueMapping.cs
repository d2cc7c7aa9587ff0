using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using SiemActors.Domain.Normalization.Syslog;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>
/// CEF extension keys and LEEF attribute keys that have a place in the schema, matched and parsed as UTF-8 bytes: a
/// mapped key allocates only the value it keeps (a port or a time allocates nothing).
/// </summary>
internal static class KeyValueMapping
{
    /// <summary>
    /// Puts one key=value (the value already unescaped) into the draft; false when the key is not a schema field or
    /// its value does not parse (it then becomes an attribute).
    /// </summary>
    public static bool Apply(ref EventDraft d, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        // SequenceEqual compares lengths first: most keys are rejected after one comparison of an int.
        if (Is(key, "src"u8, "sourceTranslatedAddress"u8)) return d.SrcIp is null && Ip(value, ref d.SrcIp);
        if (Is(key, "dst"u8, "destinationTranslatedAddress"u8)) return d.DstIp is null && Ip(value, ref d.DstIp);
        if (Is(key, "spt"u8, "srcPort"u8)) return Port(value, ref d.SrcPort);
        if (Is(key, "dpt"u8, "dstPort"u8)) return Port(value, ref d.DstPort);
        if (Is(key, "suser"u8, "usrName"u8)) return Set(ref d.User, value);
        if (key.SequenceEqual("duser"u8)) return d.User is null && Set(ref d.User, value);
        if (Is(key, "act"u8, "action"u8)) return Set(ref d.Action, value);
        if (key.SequenceEqual("outcome"u8)) return Set(ref d.Outcome, value);
        if (key.SequenceEqual("cat"u8)) return Set(ref d.Category, value);
        if (Is(key, "dvchost"u8, "identHostName"u8)) return Set(ref d.Host, value);
        if (key.SequenceEqual("dvc"u8)) return d.Host is null && Set(ref d.Host, value);
        if (key.SequenceEqual("msg"u8)) return Set(ref d.Message, value);
        if (Is(key, "sproc"u8, "dproc"u8)) return d.Process is null && Set(ref d.Process, value);
        if (Is(key, "rt"u8, "end"u8) || key.SequenceEqual("devTime"u8)) return d.Timestamp is null && Time(value, ref d.Timestamp);
        if (key.SequenceEqual("sev"u8))
        {
            if (!VendorSeverity.TryMap(Text(value), out var severity)) return false;
            d.Severity = severity;
            return true;
        }
        return false;
    }

    private static bool Is(ReadOnlySpan<byte> key, ReadOnlySpan<byte> one, ReadOnlySpan<byte> other) => key.SequenceEqual(one) || key.SequenceEqual(other);

    private static bool Set(ref string? target, ReadOnlySpan<byte> value)
    {
        target = Text(value);
        return true;
    }

    public static string Text(ReadOnlySpan<byte> value) => value.IsEmpty ? "" : Encoding.UTF8.GetString(value);

    private static bool Ip(ReadOnlySpan<byte> value, ref string? target)
    {
        // Addresses are ASCII and short; anything longer is not one.
        if (value.Length is 0 or > 64) return false;
        Span<char> chars = stackalloc char[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] > 127) return false;
            chars[i] = (char)value[i];
        }
        if (!IPAddress.TryParse(chars, out var address)) return false;
        target = address.ToString();
        return true;
    }

    private static bool Port(ReadOnlySpan<byte> value, ref int? target)
    {
        if (value.IsEmpty || !char.IsAsciiDigit((char)value[0]) || !Utf8Parser.TryParse(value, out int port, out var used) || used != value.Length
            || port > 65535) return false;
        target = port;
        return true;
    }

    private static readonly string[] TextTimes = ["MMM dd yyyy HH:mm:ss", "MMM dd yyyy HH:mm:ss.fff", "MMM d yyyy HH:mm:ss"];

    /// <summary>Unix ms, or <c>MMM dd yyyy HH:mm:ss[.fff]</c> (CEF's text form, UTC), or RFC 3339.</summary>
    private static bool Time(ReadOnlySpan<byte> value, ref long? target)
    {
        if (!value.IsEmpty && char.IsAsciiDigit((char)value[0]) && Utf8Parser.TryParse(value, out long ms, out var used) && used == value.Length)
        {
            if (!Events.EventTime.IsValid(ms)) return false;
            target = ms;
            return true;
        }
        if (value.Length is > 0 and <= 64)
        {
            Span<char> chars = stackalloc char[value.Length];
            var ascii = true;
            for (var i = 0; i < value.Length && ascii; i++)
            {
                ascii = value[i] <= 127;
                chars[i] = (char)value[i];
            }
            if (ascii && DateTime.TryParseExact(chars, TextTimes, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var text))
            {
                target = new DateTimeOffset(text, TimeSpan.Zero).ToUnixTimeMilliseconds();
                return true;
            }
        }
        if (Rfc3339.TryParse(value, out var iso))
        {
            target = iso;
            return true;
        }
        return false;
    }
}
