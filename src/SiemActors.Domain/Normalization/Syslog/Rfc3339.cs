using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization.Syslog;

/// <summary>
/// RFC 3339 timestamps as syslog writes them (<c>2026-11-27T04:00:01.123456+01:00</c>, <c>…Z</c>), read from bytes
/// without allocating.
/// </summary>
internal static class Rfc3339
{
    public static bool TryParse(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
            return false;
        if (!Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)
            || !Digits(s.Slice(11, 2), out var hour) || !Digits(s.Slice(14, 2), out var minute) || !Digits(s.Slice(17, 2), out var second))
            return false;
        var i = 19;
        var fractionMs = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9') i++;
            if (i == start) return false;
            var digits = s[start..Math.Min(i, start + 3)];
            Digits(digits, out fractionMs);
            for (var pad = digits.Length; pad < 3; pad++) fractionMs *= 10;
        }
        if (i >= s.Length) return false;
        int offsetMinutes;
        if (s[i] is (byte)'Z' or (byte)'z')
        {
            offsetMinutes = 0;
            i++;
        }
        else if (s[i] is (byte)'+' or (byte)'-' && i + 6 == s.Length && s[i + 3] == ':'
                 && Digits(s.Slice(i + 1, 2), out var oh) && Digits(s.Slice(i + 4, 2), out var om))
        {
            offsetMinutes = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
            i += 6;
        }
        else
        {
            return false;
        }
        if (i != s.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
            return false;
        var utc = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        unixMs = new DateTimeOffset(utc).ToUnixTimeMilliseconds() + fractionMs - offsetMinutes * 60_000L;
        return EventTime.IsValid(unixMs); // an offset can push year 1 or 9999 out of range
    }

    public static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }
}
