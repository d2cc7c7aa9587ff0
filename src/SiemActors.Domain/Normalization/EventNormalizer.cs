using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization.Syslog;

namespace SiemActors.Domain.Normalization;

/// <summary>
/// Detects each message's format and hands it to its parser; anything no parser accepts becomes a dead letter with
/// the reason. Never throws on input.
/// </summary>
public sealed class EventNormalizer(NormalizerLimits limits)
{
    private readonly JsonEventNormalizer _json = new(limits);
    private readonly Rfc5424Parser _rfc5424 = new(limits);
    private readonly Rfc3164Parser _rfc3164 = new();

    public NormalizeResult Normalize(ReadOnlyMemory<byte> input, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        if (input.IsEmpty) return NormalizeResult.Reject(DeadLetter.Empty, "the message has no bytes");
        if (input.Length > limits.MaxMessageBytes)
            return NormalizeResult.Reject(DeadLetter.TooLarge, $"{input.Length} bytes, more than the limit of {limits.MaxMessageBytes}");
        var trimmed = TrimStart(input);
        return FormatDetector.Detect(trimmed.Span) switch
        {
            InputFormat.Json => _json.Normalize(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Rfc5424 => _rfc5424.Parse(trimmed, origin, recordTimestamp, ingestedAt),
            InputFormat.Rfc3164 => _rfc3164.Parse(trimmed, origin, recordTimestamp, ingestedAt),
            _ => NormalizeResult.Reject(DeadLetter.UnknownFormat, "neither JSON (starts with '{') nor syslog (starts with <PRI>)"),
        };
    }

    private static ReadOnlyMemory<byte> TrimStart(ReadOnlyMemory<byte> input)
    {
        var span = input.Span;
        var i = 0;
        while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return input[i..];
    }
}
