using System.Buffers;
using System.Globalization;
using System.Text.Json;
using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;

namespace SiemActors.Api.History;

/// <summary>
/// ClickHouse's JSONEachRow rows of <see cref="HistorySql.Columns"/> rewritten as the event JSON of docs/schema.md, the
/// same shape and escaping (<see cref="EventJson.Encoder"/>) the live tail pushes, so the UI shows both alike. 64-bit
/// numbers may arrive quoted (ClickHouse's default); absent optional fields ('' or NULL in the store) are left out.
/// </summary>
public static class HistoryRows
{
    public static byte[] ToEventJson(JsonElement row)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = EventJson.Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("event_id", Text(row, "event_id"));
            w.WriteNumber("timestamp", Long(row, "event_time_ms"));
            w.WriteNumber("ingested_at", Long(row, "ingested_at_ms"));
            w.WriteString("source", Text(row, "source"));
            w.WriteString("host", Text(row, "host"));
            var severity = (int)Math.Clamp(Long(row, "severity"), 0, 7);
            w.WriteNumber("severity", severity);
            w.WriteString("severity_name", ((Severity)severity).Name());
            foreach (var name in (string[])["category", "action", "outcome", "src_ip"]) Optional(w, row, name, name);
            OptionalNumber(w, row, "src_port");
            Optional(w, row, "dst_ip", "dst_ip");
            OptionalNumber(w, row, "dst_port");
            Optional(w, row, "user", "user");
            Optional(w, row, "process", "process");
            w.WriteString("message", Text(row, "message"));
            if (row.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0)
            {
                w.WriteStartArray("tags");
                foreach (var tag in tags.EnumerateArray()) w.WriteStringValue(tag.GetString());
                w.WriteEndArray();
            }
            if (row.TryGetProperty("attribute_keys", out var keys) && row.TryGetProperty("attribute_values", out var values) && keys.GetArrayLength() > 0)
            {
                w.WriteStartObject("attributes");
                using var k = keys.EnumerateArray();
                using var v = values.EnumerateArray();
                while (k.MoveNext() && v.MoveNext()) w.WriteString(k.Current.GetString() ?? "", v.Current.GetString());
                w.WriteEndObject();
            }
            if (Long(row, "host_seq") > 0)
            {
                w.WriteNumber("host_first_seen", Long(row, "host_first_seen_ms"));
                w.WriteNumber("host_seq", Long(row, "host_seq"));
                w.WriteNumber("host_rate_1m", Long(row, "host_rate_1m"));
            }
            w.WriteString("topic", Text(row, "topic"));
            w.WriteNumber("partition", Long(row, "partition"));
            w.WriteNumber("offset", Long(row, "offset"));
            w.WriteString("raw", Text(row, "raw"));
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    public static long Long(JsonElement row, string name)
    {
        if (!row.TryGetProperty(name, out var value)) return 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetInt64(),
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            _ => 0,
        };
    }

    private static void Optional(Utf8JsonWriter w, JsonElement row, string column, string name)
    {
        var text = Text(row, column);
        if (text.Length > 0) w.WriteString(name, text);
    }

    private static void OptionalNumber(Utf8JsonWriter w, JsonElement row, string name)
    {
        if (row.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) w.WriteNumber(name, Long(row, name));
    }
}
