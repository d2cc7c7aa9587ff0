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

    public NormalizeResult Normalize(ReadOnlyMemory<byte> input, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        if (input.IsEmpty) return NormalizeResult.Reject(DeadLetter.Empty, "the message has no bytes");
        if (input.Length > limits.MaxMessageBytes)
            return NormalizeResult.Reject(DeadLetter.TooLarge, $"{input.Length} bytes, more than the limit of {limits.MaxMessageBytes}");
        var trimmed = TrimStart(input);
        return FormatDetector.Detect(trimmed.Span) switch
        {
            InputFormat.Json => _json.Normalize(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Cef => _cef.Parse(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Leef => _leef.Parse(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Rfc5424 => Unwrap(_rfc5424.Parse(trimmed, origin, recordTimestamp, ingestedAt), trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Rfc3164 => Unwrap(_rfc3164.Parse(trimmed, origin, recordTimestamp, ingestedAt), trimmed, origin, recordTimestamp, ingestedAt),
            _ => NormalizeResult.Reject(DeadLetter.UnknownFormat, "neither JSON ('{'), CEF ('CEF:'), LEEF ('LEEF:') nor syslog ('<PRI>')"),
        };
    }

    /// <summary>A syslog line whose message is CEF or LEEF: parse the message, the syslog header filling gaps.</summary>
    private NormalizeResult Unwrap(NormalizeResult syslog, ReadOnlyMemory<byte> raw, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        if (syslog.Event is not { } e) return syslog;
        var isCef = e.Message.StartsWith("CEF:", StringComparison.Ordinal);
        if (!isCef && !e.Message.StartsWith("LEEF:", StringComparison.Ordinal)) return syslog;
        var fallback = new WrapperFallback(e.Host == "unknown" ? null : e.Host, e.Timestamp,
            e.Attributes.Where(a => a.Key.StartsWith("syslog.", StringComparison.Ordinal)).ToDictionary());
        var message = Encoding.UTF8.GetBytes(e.Message);
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
