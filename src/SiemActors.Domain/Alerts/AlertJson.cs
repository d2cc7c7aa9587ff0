using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Alerts;

/// <summary>
/// An alert as JSON, one shape everywhere (Redis stream entry, hub push, REST): snake_case fields, times in Unix ms,
/// severity by name. docs/detections.md shows it.
/// </summary>
public static class AlertJson
{
    public static void Write(Utf8JsonWriter w, Alert a)
    {
        w.WriteStartObject();
        w.WriteString("alert_id"u8, a.AlertId);
        w.WriteString("rule"u8, a.Rule);
        w.WriteString("severity"u8, a.Severity.Name());
        w.WriteString("description"u8, a.Description);
        w.WriteString("key_field"u8, a.KeyField);
        w.WriteString("key"u8, a.Key);
        w.WriteNumber("first_event_time"u8, a.FirstEventTime);
        w.WriteNumber("last_event_time"u8, a.LastEventTime);
        w.WriteNumber("count"u8, a.Count);
        w.WriteStartArray("sample_event_ids"u8);
        foreach (var id in a.SampleEventIds) w.WriteStringValue(id);
        w.WriteEndArray();
        w.WriteNumber("detected_at"u8, a.DetectedAt);
        w.WriteEndObject();
    }

    public static byte[] ToUtf8(Alert a)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) Write(w, a);
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Write"/> wrote; throws <see cref="JsonException"/> on anything else.</summary>
    public static Alert Parse(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var r = doc.RootElement;
        var severityName = r.GetProperty("severity").GetString() ?? "";
        if (!SeverityNames.TryParse(severityName, out var severity)) throw new JsonException($"'{severityName}' is not a severity");
        return new Alert(
            r.GetProperty("alert_id").GetString() ?? throw new JsonException("alert_id is null"),
            r.GetProperty("rule").GetString() ?? "",
            severity,
            r.GetProperty("description").GetString() ?? "",
            r.GetProperty("key_field").GetString() ?? "",
            r.GetProperty("key").GetString() ?? "",
            r.GetProperty("first_event_time").GetInt64(),
            r.GetProperty("last_event_time").GetInt64(),
            r.GetProperty("count").GetInt64(),
            r.GetProperty("sample_event_ids").EnumerateArray().Select(e => e.GetString() ?? "").ToList(),
            r.GetProperty("detected_at").GetInt64());
    }
}
