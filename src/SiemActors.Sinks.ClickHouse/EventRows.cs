using System.Buffers;
using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Events as <c>JSONEachRow</c> rows of <see cref="EventsSchema"/>: every column, one object per line. Pure.</summary>
public static class EventRows
{
    /// <summary>DateTime covers 1970-01-01 … 2106-02-07; event times outside are clamped to it (the exact ms stay in event_time_ms).</summary>
    private const long MaxDateTimeSeconds = uint.MaxValue;

    private static readonly JsonWriterOptions Options = new() { SkipValidation = true };

    public static void Write(IEnumerable<EnrichedEvent> events, ArrayBufferWriter<byte> output)
    {
        using var w = new Utf8JsonWriter(output, Options);
        foreach (var enriched in events)
        {
            WriteRow(w, enriched);
            w.Flush();
            output.Write("\n"u8);
            w.Reset(output);
        }
    }

    private static void WriteRow(Utf8JsonWriter w, EnrichedEvent enriched)
    {
        var e = enriched.Event;
        var seconds = Math.Clamp(Math.Floor(e.Timestamp / 1000.0), 0, MaxDateTimeSeconds);
        w.WriteStartObject();
        w.WriteString("event_id"u8, e.EventId);
        w.WriteNumber("event_time"u8, (long)seconds);
        w.WriteNumber("event_time_ms"u8, e.Timestamp);
        WriteDate(w, (long)seconds);
        w.WriteNumber("ingested_at_ms"u8, e.IngestedAt);
        w.WriteString("source"u8, e.Source);
        w.WriteString("host"u8, e.Host);
        w.WriteNumber("severity"u8, (int)e.Severity);
        w.WriteString("category"u8, e.Category ?? "");
        w.WriteString("action"u8, e.Action ?? "");
        w.WriteString("outcome"u8, e.Outcome ?? "");
        w.WriteString("src_ip"u8, e.SrcIp ?? "");
        NullableNumber(w, "src_port"u8, e.SrcPort);
        w.WriteString("dst_ip"u8, e.DstIp ?? "");
        NullableNumber(w, "dst_port"u8, e.DstPort);
        w.WriteString("user"u8, e.User ?? "");
        w.WriteString("process"u8, e.Process ?? "");
        w.WriteString("message"u8, e.Message);
        w.WriteStartArray("tags"u8);
        foreach (var tag in e.Tags) w.WriteStringValue(tag);
        w.WriteEndArray();
        w.WriteStartArray("attribute_keys"u8);
        foreach (var key in e.Attributes.Keys) w.WriteStringValue(key);
        w.WriteEndArray();
        w.WriteStartArray("attribute_values"u8);
        foreach (var value in e.Attributes.Values) w.WriteStringValue(value);
        w.WriteEndArray();
        w.WriteNumber("host_first_seen_ms"u8, enriched.Host.FirstSeen);
        w.WriteNumber("host_seq"u8, enriched.Host.Sequence);
        w.WriteNumber("host_rate_1m"u8, enriched.Host.EventsLastMinute);
        w.WriteString("topic"u8, e.Origin.Topic);
        w.WriteNumber("partition"u8, e.Origin.Partition);
        w.WriteNumber("offset"u8, e.Origin.Offset);
        if (System.Text.Unicode.Utf8.IsValid(e.Raw.Span)) w.WriteString("raw"u8, e.Raw.Span);
        else w.WriteString("raw"u8, System.Text.Encoding.UTF8.GetString(e.Raw.Span));
        w.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter w, long unixSeconds)
    {
        Span<byte> text = stackalloc byte[10];
        DateTime.UnixEpoch.AddSeconds(unixSeconds).TryFormat(text, out var n, "yyyy-MM-dd");
        w.WriteString("event_date"u8, text[..n]);
    }

    private static void NullableNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
