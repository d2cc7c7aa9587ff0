using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization.Syslog;

/// <summary>
/// BSD syslog (RFC 3164) and the variants devices send: <c>&lt;PRI&gt;Mmm dd hh:mm:ss HOST TAG[PID]: MSG</c>; the
/// timestamp has no year (the Kafka record's year, or the one before when that would put the event more than a day
/// ahead), may carry one (<c>Mmm dd yyyy hh:mm:ss</c>), may be RFC 3339 (rsyslog), or may be missing; the hostname may
/// be missing (<c>&lt;PRI&gt;Mmm dd hh:mm:ss sshd[42]: …</c>); the tag may be missing.
/// </summary>
public sealed class Rfc3164Parser
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public NormalizeResult Parse(ReadOnlyMemory<byte> input, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        var priLength = Pri.TryRead(input.Span, out var pri);
        if (priLength == 0) return NormalizeResult.Reject(DeadLetter.BadSyslog, "no <PRI> at the start");
        var cursor = new ByteCursor(input.Span);
        cursor.Skip(priLength);
        var draft = new EventDraft { Severity = (Severity)(pri & 7), Source = "syslog" };
        draft.AddAttribute("syslog.facility", Pri.FacilityName(pri));

        if (TryBsdTimestamp(ref cursor, recordTimestamp, out var ms) || TryIsoTimestamp(ref cursor, out ms)) draft.Timestamp = ms;

        // HOSTNAME, unless the first word is already the tag.
        var mark = cursor.Position;
        var word = cursor.Token();
        if (!word.IsEmpty && !IsTag(word))
        {
            draft.Host = ByteCursor.Text(word);
            mark = cursor.Position;
            word = cursor.Token();
        }
        if (IsTag(word))
        {
            var tag = word[..^1];
            var open = tag.IndexOf((byte)'[');
            var name = open < 0 ? tag : tag[..open];
            if (!name.IsEmpty) draft.Source = draft.Process = ByteCursor.Text(name);
            if (open >= 0 && tag[^1] == ']') draft.AddAttribute("syslog.procid", ByteCursor.Text(tag[(open + 1)..^1]));
            draft.Message = ByteCursor.Text(cursor.Rest);
        }
        else
        {
            draft.Message = ByteCursor.Text(input.Span[mark..]); // no tag: all of it is the message
        }
        return NormalizeResult.Ok(draft.Build(input, origin, recordTimestamp, ingestedAt));
    }

    /// <summary>
    /// <c>name:</c> or <c>name[pid]:</c>; the name may hold <c>/ . - _</c> as devices write it (<c>postfix/smtpd[2210]:</c>,
    /// <c>dhcpd.v6:</c>, <c>systemd-logind:</c>).
    /// </summary>
    private static bool IsTag(ReadOnlySpan<byte> word) =>
        word.Length >= 2 && word[^1] == ':' && (word.IndexOf((byte)'[') < 0 || word[^2] == ']');

    private static bool TryBsdTimestamp(ref ByteCursor cursor, long recordTimestamp, out long unixMs)
    {
        unixMs = 0;
        var s = cursor.Rest;
        if (s.Length < 15 || s[3] != ' ') return false;
        var month = MonthOf(s[..3]);
        if (month == 0) return false;
        var dayText = s[4] == ' ' ? s.Slice(5, 1) : s.Slice(4, 2);
        if (!Rfc3339.Digits(dayText, out var day) || day < 1 || s[6] != ' ') return false; // "Nov 00": no such day
        var at = 7;
        var year = -1;
        if (s.Length >= 20 && s[11] == ' ' && Rfc3339.Digits(s.Slice(7, 4), out var y))
        {
            year = y; // Mmm dd yyyy hh:mm:ss
            at = 12;
        }
        if (s.Length < at + 8 || s[at + 2] != ':' || s[at + 5] != ':'
            || !Rfc3339.Digits(s.Slice(at, 2), out var hour) || !Rfc3339.Digits(s.Slice(at + 3, 2), out var minute)
            || !Rfc3339.Digits(s.Slice(at + 6, 2), out var second) || hour > 23 || minute > 59 || second > 59)
            return false;
        var consumed = at + 8;
        var reference = DateTimeOffset.FromUnixTimeMilliseconds(recordTimestamp).UtcDateTime;
        if (year < 0)
        {
            year = reference.Year;
            if (day > DateTime.DaysInMonth(year, month)) return false;
            if (year < 9999 && new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc) > reference.AddDays(1)) year--;
        }
        if (year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        unixMs = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        cursor.Skip(consumed);
        cursor.SkipSpaces();
        return true;
    }

    private static int MonthOf(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Months.Length; i++)
        {
            if (name[0] == Months[i][0] && name[1] == Months[i][1] && name[2] == Months[i][2]) return i + 1;
        }
        return 0;
    }

    private static bool TryIsoTimestamp(ref ByteCursor cursor, out long unixMs)
    {
        unixMs = 0;
        var rest = cursor.Rest;
        var space = rest.IndexOf((byte)' ');
        if (space < 20 || !Rfc3339.TryParse(rest[..space], out unixMs)) return false;
        cursor.Skip(space + 1);
        return true;
    }
}
