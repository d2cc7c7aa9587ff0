using System.Text;
using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Serialization;

/// <summary>
/// Reads an event back from the JSON <see cref="EventJson"/> writes (the Redis live streams), so that filters can be
/// evaluated on it. Unknown fields are skipped, so readers keep working when writers add fields.
/// </summary>
public static class EventJsonReader
{
    /// <summary>The event and its host enrichment; throws <see cref="JsonException"/> when the JSON is not an event.</summary>
    public static EnrichedEvent Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("an event is a JSON object");

        string? eventId = null, source = null, host = null, topic = null;
        long? timestamp = null;
        long ingestedAt = 0, offset = 0, firstSeen = 0, sequence = 0;
        int partition = 0, rate = 0;
        var hasHost = false;
        var severity = Severity.Informational;
        string? category = null, action = null, outcome = null, srcIp = null, dstIp = null, user = null, process = null;
        int? srcPort = null, dstPort = null;
        var message = "";
        List<string>? tags = null;
        Dictionary<string, string>? attributes = null;
        byte[] raw = [];

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("event_id"u8)) eventId = reader.GetString();
            else if (name.SequenceEqual("timestamp"u8)) timestamp = reader.GetInt64();
            else if (name.SequenceEqual("ingested_at"u8)) ingestedAt = reader.GetInt64();
            else if (name.SequenceEqual("source"u8)) source = reader.GetString();
            else if (name.SequenceEqual("host"u8)) host = reader.GetString();
            else if (name.SequenceEqual("severity"u8)) severity = (Severity)Math.Clamp(reader.GetInt32(), 0, 7);
            else if (name.SequenceEqual("category"u8)) category = reader.GetString();
            else if (name.SequenceEqual("action"u8)) action = reader.GetString();
            else if (name.SequenceEqual("outcome"u8)) outcome = reader.GetString();
            else if (name.SequenceEqual("src_ip"u8)) srcIp = reader.GetString();
            else if (name.SequenceEqual("src_port"u8)) srcPort = reader.GetInt32();
            else if (name.SequenceEqual("dst_ip"u8)) dstIp = reader.GetString();
            else if (name.SequenceEqual("dst_port"u8)) dstPort = reader.GetInt32();
            else if (name.SequenceEqual("user"u8)) user = reader.GetString();
            else if (name.SequenceEqual("process"u8)) process = reader.GetString();
            else if (name.SequenceEqual("message"u8)) message = reader.GetString() ?? "";
            else if (name.SequenceEqual("tags"u8)) tags = ReadTags(ref reader);
            else if (name.SequenceEqual("attributes"u8)) attributes = ReadAttributes(ref reader);
            else if (name.SequenceEqual("host_first_seen"u8)) (firstSeen, hasHost) = (reader.GetInt64(), true);
            else if (name.SequenceEqual("host_seq"u8)) sequence = reader.GetInt64();
            else if (name.SequenceEqual("host_rate_1m"u8)) rate = reader.GetInt32();
            else if (name.SequenceEqual("topic"u8)) topic = reader.GetString();
            else if (name.SequenceEqual("partition"u8)) partition = reader.GetInt32();
            else if (name.SequenceEqual("offset"u8)) offset = reader.GetInt64();
            else if (name.SequenceEqual("raw"u8)) raw = Encoding.UTF8.GetBytes(reader.GetString() ?? "");
            else reader.Skip();
        }

        if (eventId is null || timestamp is null || source is null || host is null)
            throw new JsonException("an event needs event_id, timestamp, source and host");
        var e = new SecurityEvent
        {
            EventId = eventId,
            Timestamp = timestamp.Value,
            IngestedAt = ingestedAt,
            Source = source,
            Host = host,
            Severity = severity,
            Category = category,
            Action = action,
            Outcome = outcome,
            SrcIp = srcIp,
            SrcPort = srcPort,
            DstIp = dstIp,
            DstPort = dstPort,
            User = user,
            Process = process,
            Message = message,
            Tags = tags ?? (IReadOnlyList<string>)[],
            Attributes = attributes ?? new Dictionary<string, string>(),
            Raw = raw,
            Origin = new KafkaOrigin(topic ?? "", partition, offset),
        };
        return new EnrichedEvent(e, hasHost ? new HostEnrichment(firstSeen, sequence, rate) : HostEnrichment.None);
    }

    private static List<string> ReadTags(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("tags is an array of strings");
        var tags = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) tags.Add(reader.GetString() ?? "");
        return tags;
    }

    private static Dictionary<string, string> ReadAttributes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("attributes is an object of strings");
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString() ?? "";
            reader.Read();
            attributes[key] = reader.GetString() ?? "";
        }
        return attributes;
    }
}
