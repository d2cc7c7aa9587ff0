using System.Buffers;
using System.Text;
using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Serialization;

/// <summary>
/// The normalized event as JSON: what Redis stores, the Kafka output carries and analysts' browsers receive.
/// Field names are the schema's (docs/schema.md); absent optional fields are left out.
/// </summary>
public static class EventJson
{
    /// <summary>A thread's buffer above this size is let go after use instead of kept for the next event.</summary>
    private const int KeepBufferUpTo = 256 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The event's JSON; the only allocation per call is the returned array (the writer is the thread's own).</summary>
    public static byte[] ToUtf8(EnrichedEvent enriched)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        WriteTo(buffer, enriched);
        var json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > KeepBufferUpTo) (t_buffer, t_writer) = (null, null);
        return json;
    }

    /// <summary>Appends the event's JSON to <paramref name="output"/>, allocating nothing (the writer is the thread's own).</summary>
    public static void WriteTo(IBufferWriter<byte> output, EnrichedEvent enriched)
    {
        var writer = t_writer ??= new Utf8JsonWriter(output);
        writer.Reset(output);
        Write(writer, enriched);
        writer.Flush();
    }

    public static void Write(Utf8JsonWriter w, EnrichedEvent enriched)
    {
        var e = enriched.Event;
        w.WriteStartObject();
        w.WriteString("event_id"u8, e.EventId);
        w.WriteNumber("timestamp"u8, e.Timestamp);
        w.WriteNumber("ingested_at"u8, e.IngestedAt);
        w.WriteString("source"u8, e.Source);
        w.WriteString("host"u8, e.Host);
        w.WriteNumber("severity"u8, (int)e.Severity);
        w.WriteString("severity_name"u8, e.Severity.Name());
        Optional(w, "category"u8, e.Category);
        Optional(w, "action"u8, e.Action);
        Optional(w, "outcome"u8, e.Outcome);
        Optional(w, "src_ip"u8, e.SrcIp);
        if (e.SrcPort is { } sp) w.WriteNumber("src_port"u8, sp);
        Optional(w, "dst_ip"u8, e.DstIp);
        if (e.DstPort is { } dp) w.WriteNumber("dst_port"u8, dp);
        Optional(w, "user"u8, e.User);
        Optional(w, "process"u8, e.Process);
        w.WriteString("message"u8, e.Message);
        if (e.Tags.Count > 0)
        {
            w.WriteStartArray("tags"u8);
            foreach (var tag in e.Tags) w.WriteStringValue(tag);
            w.WriteEndArray();
        }
        if (e.Attributes.Count > 0)
        {
            w.WriteStartObject("attributes"u8);
            if (e.Attributes is Dictionary<string, string> dictionary)
            {
                foreach (var (key, value) in dictionary) w.WriteString(key, value); // struct enumerator: no allocation
            }
            else
            {
                foreach (var (key, value) in e.Attributes) w.WriteString(key, value);
            }
            w.WriteEndObject();
        }
        if (enriched.Host != HostEnrichment.None)
        {
            w.WriteNumber("host_first_seen"u8, enriched.Host.FirstSeen);
            w.WriteNumber("host_seq"u8, enriched.Host.Sequence);
            w.WriteNumber("host_rate_1m"u8, enriched.Host.EventsLastMinute);
        }
        w.WriteString("topic"u8, e.Origin.Topic);
        w.WriteNumber("partition"u8, e.Origin.Partition);
        w.WriteNumber("offset"u8, e.Origin.Offset);
        WriteRaw(w, e.Raw.Span);
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    /// <summary>Raw input as a string; bytes that are not UTF-8 become U+FFFD rather than failing the write.</summary>
    private static void WriteRaw(Utf8JsonWriter w, ReadOnlySpan<byte> raw)
    {
        if (System.Text.Unicode.Utf8.IsValid(raw)) w.WriteString("raw"u8, raw);
        else w.WriteString("raw"u8, Encoding.UTF8.GetString(raw));
    }
}
