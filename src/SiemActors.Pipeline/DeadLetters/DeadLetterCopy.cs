using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;

namespace SiemActors.Pipeline.DeadLetters;

/// <summary>
/// The dead-letter topic's copy of a record: its key and value with why and where from in headers
/// (<c>siem.dlq.reason</c>, <c>.detail</c>, <c>.topic</c>, <c>.partition</c>, <c>.offset</c>, and <c>.exception</c> or
/// <c>.sink</c> where they apply). A copy that would not fit in <c>maxBytes</c> (key + value + headers, what the producer
/// and broker limit) is truncated: its value (and a key too large on its own) cut to fit, with <c>siem.dlq.truncated</c>,
/// <c>siem.dlq.original-size</c> and <c>siem.dlq.sha256</c> (of the whole original value) so the loss is stated and the
/// original can be matched. Pure: unit tested without a broker.
/// </summary>
public static class DeadLetterCopy
{
    /// <summary>What a record costs beyond its key, value and header bytes (batch and record framing, varints), with room to spare.</summary>
    public const int Overhead = 512;

    /// <summary>The longest detail or exception header: an exception's message can be as long as what provoked it.</summary>
    public const int MaxDetailChars = 2048;

    public static Message<byte[]?, byte[]?> Build(DeadLetterRecord record, int maxBytes)
    {
        var reason = record.Reason;
        var headers = new Headers
        {
            { "siem.dlq.reason", Utf8(reason.Reason) },
            { "siem.dlq.detail", Utf8(Cut(reason.Detail)) },
            { "siem.dlq.topic", Utf8(record.Topic) },
            { "siem.dlq.partition", Utf8(record.Partition.ToString(CultureInfo.InvariantCulture)) },
            { "siem.dlq.offset", Utf8(record.Offset.ToString(CultureInfo.InvariantCulture)) },
        };
        if (reason.Exception is { } exception) headers.Add("siem.dlq.exception", Utf8(Cut(exception)));
        if (reason.Sink is { } sink) headers.Add("siem.dlq.sink", Utf8(sink));

        var key = record.Key;
        var value = record.Value;
        var size = Size(key) + Size(value) + HeaderBytes(headers) + Overhead;
        if (size <= maxBytes) return new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers };

        // Too large: say so, then cut. The headers added here are part of what must fit.
        headers.Add("siem.dlq.truncated", "true"u8.ToArray());
        headers.Add("siem.dlq.original-size", Utf8(Size(value).ToString(CultureInfo.InvariantCulture)));
        headers.Add("siem.dlq.sha256", Utf8(Convert.ToHexStringLower(SHA256.HashData(value ?? []))));
        var room = maxBytes - HeaderBytes(headers) - 64 - Overhead; // 64: the original-key-size header, should it be added
        if (key is not null && key.Length > room / 4)
        {
            headers.Add("siem.dlq.original-key-size", Utf8(key.Length.ToString(CultureInfo.InvariantCulture)));
            key = key[..Math.Max(0, room / 4)];
        }
        room -= Size(key);
        if (value is not null && value.Length > room) value = value[..Math.Max(0, room)];
        return new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers };
    }

    /// <summary>Key + value + headers as librdkafka counts them against <c>message.max.bytes</c>, plus <see cref="Overhead"/>.</summary>
    public static int SizeOf(Message<byte[]?, byte[]?> message) =>
        Size(message.Key) + Size(message.Value) + HeaderBytes(message.Headers) + Overhead;

    private static int HeaderBytes(Headers? headers)
    {
        var n = 0;
        if (headers is null) return 0;
        foreach (var h in headers) n += h.Key.Length + (h.GetValueBytes()?.Length ?? 0) + 8;
        return n;
    }

    private static int Size(byte[]? bytes) => bytes?.Length ?? 0;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Cut(string s) => s.Length <= MaxDetailChars ? s : s[..MaxDetailChars] + "…";
}
