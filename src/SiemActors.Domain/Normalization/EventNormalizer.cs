using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization.Cef;
using SiemActors.Domain.Normalization.Syslog;

namespace SiemActors.Domain.Normalization;

/// <summary>
/// Detects each message's format and hands it to its parser; anything no parser accepts becomes a dead letter with
/// the reason. CEF and LEEF carried as the message of a syslog line are parsed too, with the syslog header's host,
/// time and facility where the CEF/LEEF message has none. Never throws on input.
/// </summary>
public sealed class EventNormalizer(NormalizerLimits limits)
{
    private readonly JsonEventNormalizer _json = new(limits);
    private readonly Rfc5424Parser _rfc5424 = new(limits);
    private readonly Rfc3164Parser _rfc3164 = new();
    private readonly CefParser _cef = new(limits);
    private readonly LeefParser _leef = new(limits);

    /// <summary>One message to an event or a dead letter.</summary>
    /// <param name="input">The record's value.</param>
    /// <param name="origin">Where it was read.</param>
    /// <param name="recordTimestamp">The Kafka record's timestamp: the event time of an event without one.</param>
    /// <param name="ingestedAt">When the pipeline read it.</param>
    /// <param name="format">The format to parse as; <see cref="InputFormat.Unknown"/> detects it from the message.</param>
    public NormalizeResult Normalize(ReadOnlyMemory<byte> input, KafkaOrigin origin, long recordTimestamp, long ingestedAt,
        InputFormat format = InputFormat.Unknown)
    {
        if (input.IsEmpty) return NormalizeResult.Reject(DeadLetter.Empty, "the message has no bytes");
        if (input.Length > limits.MaxMessageBytes)
            return NormalizeResult.Reject(DeadLetter.TooLarge, $"{input.Length} bytes, more than the limit of {limits.MaxMessageBytes}");
        recordTimestamp = EventTime.OrElse(recordTimestamp, ingestedAt); // a producer sets it: any long at all
        var trimmed = TrimStart(input);
        var detected = FormatDetector.Detect(trimmed.Span);
        if (format != InputFormat.Unknown && !Compatible(format, detected))
            return NormalizeResult.Reject(DeadLetter.WrongFormat, $"the topic carries {format}, but the message is {(detected == InputFormat.Unknown ? "in no known format" : detected.ToString())}");
        return (format == InputFormat.Unknown ? detected : format) switch
        {
            InputFormat.Json => _json.Normalize(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Cef => _cef.Parse(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Leef => _leef.Parse(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Rfc5424 => Unwrap(_rfc5424.Parse(trimmed, origin, recordTimestamp, ingestedAt), trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Rfc3164 => Unwrap(_rfc3164.Parse(trimmed, origin, recordTimestamp, ingestedAt), trimmed, origin, recordTimestamp, ingestedAt),
            _ => NormalizeResult.Reject(DeadLetter.UnknownFormat, "neither JSON ('{'), CEF ('CEF:'), LEEF ('LEEF:') nor syslog ('<PRI>')"),
        };
    }

    /// <summary>RFC 3164 takes any &lt;PRI&gt; line, so a 5424-looking line is acceptable on a 3164 topic.</summary>
    private static bool Compatible(InputFormat configured, InputFormat detected) =>
        configured == detected || (configured == InputFormat.Rfc3164 && detected == InputFormat.Rfc5424);

    /// <summary>A syslog line whose message is CEF or LEEF: parse the message, the syslog header filling gaps.</summary>
    private NormalizeResult Unwrap(NormalizeResult syslog, ReadOnlyMemory<byte> raw, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        if (syslog.Event is not { } e) return syslog;
        var isCef = e.Message.StartsWith("CEF:", StringComparison.Ordinal);
        if (!isCef && !e.Message.StartsWith("LEEF:", StringComparison.Ordinal)) return syslog;
        var fallback = new WrapperFallback(e.Host == "unknown" ? null : e.Host, e.Timestamp,
            e.Attributes.Where(a => a.Key.StartsWith("syslog.", StringComparison.Ordinal)).ToDictionary());
        // The message is the line's tail: hand over its bytes rather than encoding the text again.
        var line = raw.Span;
        var start = line.IndexOf(isCef ? "CEF:"u8 : "LEEF:"u8);
        var message = start >= 0 ? line[start..] : Encoding.UTF8.GetBytes(e.Message);
        return isCef
            ? _cef.Parse(raw, message, fallback, origin, recordTimestamp, ingestedAt)
            : _leef.Parse(raw, message, fallback, origin, recordTimestamp, ingestedAt);
    }

    private static ReadOnlyMemory<byte> TrimStart(ReadOnlyMemory<byte> input)
    {
        var span = input.Span;
        var i = 0;
        while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return input[i..];
    }
}
