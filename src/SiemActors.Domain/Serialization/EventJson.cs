using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Serialization;

/// <summary>
/// The normalized event as JSON: what Redis stores, the Kafka output carries and analysts' browsers receive.
/// Field names are the schema's (docs/schema.md); absent optional fields are left out.
/// </summary>
public static class EventJson
{
    /// <summary>A thread's buffer that grew above this size (for one huge event) is replaced at its next use instead of kept.</summary>
    private const int KeepBufferUpTo = 256 * 1024;

    /// <summary>
    /// The event JSON's escaping: only what JSON requires (quotes, backslashes, control characters; other characters
    /// are written as UTF-8), not the default's HTML-sensitive set (<c>"</c> as <c>\u0022</c>, <c>&lt;</c>,
    /// <c>&amp;</c>, <c>'</c>, <c>+</c>, everything outside ASCII). The JSON is data for JSON parsers — Redis readers,
    /// the Kafka output, the browser, which puts values into the page as text, never as HTML — and the raw input it
    /// carries is full of quotes, which the default made six bytes each. Whatever else writes this shape (the history
    /// search) uses it too, so both read alike.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Validation is skipped: <see cref="Write"/>, whose structure is fixed, is the only user of these writers.</summary>
    private static readonly JsonWriterOptions Options = new() { Encoder = Encoder, SkipValidation = true };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The event's JSON; the only allocation per call is the returned array (the writer is the thread's own).</summary>
    public static byte[] ToUtf8(EnrichedEvent enriched) => WriteToThreadBuffer(enriched).ToArray();

    /// <summary>
    /// The event's JSON in a buffer of the calling thread, valid until that thread's next call (copy it before
    /// awaiting anything). Allocates nothing once the thread's buffer has grown to its events' size.
    /// </summary>
    public static ReadOnlySpan<byte> WriteToThreadBuffer(EnrichedEvent enriched)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        if (buffer.Capacity > KeepBufferUpTo) buffer = t_buffer = new ArrayBufferWriter<byte>(4096); // after a huge event
        buffer.ResetWrittenCount();
        WriteTo(buffer, enriched);
        return buffer.WrittenSpan;
    }

    /// <summary>Appends the event's JSON to <paramref name="output"/>, allocating nothing (the writer is the thread's own).</summary>
    public static void WriteTo(IBufferWriter<byte> output, EnrichedEvent enriched)
    {
        var writer = t_writer ??= new Utf8JsonWriter(output, Options);
        writer.Reset(output);
        Write(writer, enriched);
        writer.Flush();
    }

    public static void Write(Utf8JsonWriter w, EnrichedEvent enriched)
    {
        var e = enriched.Event;
        w.WriteStartObject();
        w.WriteString(Names.EventId, e.EventId);
        w.WriteNumber(Names.Timestamp, e.Timestamp);
        w.WriteNumber(Names.IngestedAt, e.IngestedAt);
        w.WriteString(Names.Source, e.Source);
        w.WriteString(Names.Host, e.Host);
        w.WriteNumber(Names.Severity, (int)e.Severity);
        w.WriteString(Names.SeverityName, e.Severity.Name());
        Optional(w, Names.Category, e.Category);
        Optional(w, Names.Action, e.Action);
        Optional(w, Names.Outcome, e.Outcome);
        Optional(w, Names.SrcIp, e.SrcIp);
        if (e.SrcPort is { } sp) w.WriteNumber(Names.SrcPort, sp);
        Optional(w, Names.DstIp, e.DstIp);
        if (e.DstPort is { } dp) w.WriteNumber(Names.DstPort, dp);
        Optional(w, Names.User, e.User);
        Optional(w, Names.Process, e.Process);
        w.WriteString(Names.Message, e.Message);
        if (e.Tags.Count > 0)
        {
            w.WriteStartArray(Names.Tags);
            foreach (var tag in e.Tags) w.WriteStringValue(tag);
            w.WriteEndArray();
        }
        if (e.Attributes.Count > 0)
        {
            w.WriteStartObject(Names.Attributes);
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
            w.WriteNumber(Names.HostFirstSeen, enriched.Host.FirstSeen);
            w.WriteNumber(Names.HostSeq, enriched.Host.Sequence);
            w.WriteNumber(Names.HostRate1M, enriched.Host.EventsLastMinute);
        }
        w.WriteString(Names.Topic, e.Origin.Topic);
        w.WriteNumber(Names.Partition, e.Origin.Partition);
        w.WriteNumber(Names.Offset, e.Origin.Offset);
        WriteRaw(w, e);
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    /// <summary>Raw input as a string; bytes that are not UTF-8 become U+FFFD rather than failing the write.</summary>
    private static void WriteRaw(Utf8JsonWriter w, SecurityEvent e)
    {
        if (e.RawIsValidUtf8()) w.WriteString(Names.Raw, e.Raw.Span);
        else w.WriteString(Names.Raw, Encoding.UTF8.GetString(e.Raw.Span));
    }

    /// <summary>The property names, encoded once: a name given as bytes is checked for characters to escape on every write.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id"u8);
        public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp"u8);
        public static readonly JsonEncodedText IngestedAt = JsonEncodedText.Encode("ingested_at"u8);
        public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source"u8);
        public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host"u8);
        public static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity"u8);
        public static readonly JsonEncodedText SeverityName = JsonEncodedText.Encode("severity_name"u8);
        public static readonly JsonEncodedText Category = JsonEncodedText.Encode("category"u8);
        public static readonly JsonEncodedText Action = JsonEncodedText.Encode("action"u8);
        public static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome"u8);
        public static readonly JsonEncodedText SrcIp = JsonEncodedText.Encode("src_ip"u8);
        public static readonly JsonEncodedText SrcPort = JsonEncodedText.Encode("src_port"u8);
        public static readonly JsonEncodedText DstIp = JsonEncodedText.Encode("dst_ip"u8);
        public static readonly JsonEncodedText DstPort = JsonEncodedText.Encode("dst_port"u8);
        public static readonly JsonEncodedText User = JsonEncodedText.Encode("user"u8);
        public static readonly JsonEncodedText Process = JsonEncodedText.Encode("process"u8);
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message"u8);
        public static readonly JsonEncodedText Tags = JsonEncodedText.Encode("tags"u8);
        public static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes"u8);
        public static readonly JsonEncodedText HostFirstSeen = JsonEncodedText.Encode("host_first_seen"u8);
        public static readonly JsonEncodedText HostSeq = JsonEncodedText.Encode("host_seq"u8);
        public static readonly JsonEncodedText HostRate1M = JsonEncodedText.Encode("host_rate_1m"u8);
        public static readonly JsonEncodedText Topic = JsonEncodedText.Encode("topic"u8);
        public static readonly JsonEncodedText Partition = JsonEncodedText.Encode("partition"u8);
        public static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset"u8);
        public static readonly JsonEncodedText Raw = JsonEncodedText.Encode("raw"u8);
    }
}
