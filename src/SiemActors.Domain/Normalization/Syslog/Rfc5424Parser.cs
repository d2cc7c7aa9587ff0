using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization.Syslog;

/// <summary>
/// RFC 5424 syslog: <c>&lt;PRI&gt;VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID name="value" …] MSG</c>, with
/// NILVALUE (<c>-</c>) anywhere the RFC allows it, escaped <c>\" \\ \]</c> in parameter values and a UTF-8 BOM before
/// the message. Severity and facility come from PRI; APP-NAME is the source and the process; structured data lands in
/// attributes as <c>sd.&lt;SD-ID&gt;.&lt;name&gt;</c>.
/// </summary>
public sealed class Rfc5424Parser(NormalizerLimits limits)
{
    public NormalizeResult Parse(ReadOnlyMemory<byte> input, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        var cursor = new ByteCursor(input.Span);
        var priLength = Pri.TryRead(input.Span, out var pri);
        if (priLength == 0) return Reject("no <PRI> at the start");
        cursor.Skip(priLength);
        var version = cursor.Token();
        if (!Rfc3339.Digits(version, out var v) || v == 0 || version[0] == '0') return Reject("no VERSION after <PRI>");

        var draft = new EventDraft { Severity = (Severity)(pri & 7), ExpectedAttributes = 8 }; // facility, ids, a few SD params
        draft.AddAttribute("syslog.facility", Pri.FacilityName(pri));
        var timestamp = cursor.Token();
        if (!IsNil(timestamp))
        {
            if (Rfc3339.TryParse(timestamp, out var ms)) draft.Timestamp = ms;
            else draft.AddAttribute("syslog.timestamp", ByteCursor.Text(timestamp));
        }
        var host = cursor.Token();
        if (!IsNil(host)) draft.Host = ByteCursor.Text(host);
        var app = cursor.Token();
        if (!IsNil(app)) draft.Source = draft.Process = ByteCursor.Text(app);
        else draft.Source = "syslog";
        var procId = cursor.Token();
        if (!IsNil(procId)) draft.AddAttribute("syslog.procid", ByteCursor.Text(procId));
        var msgId = cursor.Token();
        if (!IsNil(msgId)) draft.AddAttribute("syslog.msgid", ByteCursor.Text(msgId));
        if (cursor.AtEnd) return Reject("the header ends before STRUCTURED-DATA");

        if (cursor.Peek == '-') cursor.Skip(1);
        else if (ReadStructuredData(ref cursor, ref draft) is { } error) return error;

        if (!cursor.AtEnd)
        {
            if (!cursor.TryConsume((byte)' ')) return Reject($"expected a space before MSG at byte {cursor.Position}");
            var message = cursor.Rest;
            if (message.StartsWith("\uFEFF"u8)) message = message[3..];
            draft.Message = ByteCursor.Text(message);
        }
        return NormalizeResult.Ok(draft.Build(input, origin, recordTimestamp, ingestedAt));
    }

    private NormalizeResult? ReadStructuredData(ref ByteCursor cursor, ref EventDraft draft)
    {
        var fields = 0;
        while (!cursor.AtEnd && cursor.Peek == '[')
        {
            cursor.Skip(1);
            var id = ReadName(ref cursor);
            if (id.IsEmpty) return Reject($"an SD-ID is missing at byte {cursor.Position}");
            var prefix = "sd." + ByteCursor.Text(id) + ".";
            while (cursor.TryConsume((byte)' '))
            {
                var name = ReadName(ref cursor);
                if (name.IsEmpty || !cursor.TryConsume((byte)'=') || !cursor.TryConsume((byte)'"'))
                    return Reject($"expected name=\"value\" at byte {cursor.Position}");
                if (++fields > limits.MaxFields)
                    return NormalizeResult.Reject(DeadLetter.TooManyFields, $"more than {limits.MaxFields} structured-data parameters");
                if (ReadValue(ref cursor) is not { } value) return Reject($"a parameter value is not closed (from byte {cursor.Position})");
                draft.AddAttribute(prefix + ByteCursor.Text(name), value);
            }
            if (!cursor.TryConsume((byte)']')) return Reject($"expected ']' at byte {cursor.Position}");
        }
        return null;
    }

    /// <summary>SD-NAME: printable US-ASCII except '=', SP, ']' and '"'.</summary>
    private static ReadOnlySpan<byte> ReadName(ref ByteCursor cursor)
    {
        var rest = cursor.Rest;
        var n = 0;
        while (n < rest.Length && rest[n] is > 32 and < 127 and not (byte)'=' and not (byte)']' and not (byte)'"') n++;
        cursor.Skip(n);
        return rest[..n];
    }

    /// <summary>PARAM-VALUE up to the closing quote, with <c>\" \\ \]</c> unescaped (other backslashes kept).</summary>
    private static string? ReadValue(ref ByteCursor cursor)
    {
        var rest = cursor.Rest;
        Span<byte> buffer = rest.Length <= 512 ? stackalloc byte[rest.Length] : new byte[rest.Length];
        var length = 0;
        for (var i = 0; i < rest.Length; i++)
        {
            var b = rest[i];
            if (b == '\\' && i + 1 < rest.Length && rest[i + 1] is (byte)'"' or (byte)'\\' or (byte)']')
            {
                buffer[length++] = rest[++i];
                continue;
            }
            if (b == '"')
            {
                cursor.Skip(i + 1);
                return ByteCursor.Text(buffer[..length]);
            }
            buffer[length++] = b;
        }
        return null;
    }

    private static bool IsNil(ReadOnlySpan<byte> token) => token.Length == 1 && token[0] == '-';

    private static NormalizeResult Reject(string detail) => NormalizeResult.Reject(DeadLetter.BadSyslog, detail);
}
