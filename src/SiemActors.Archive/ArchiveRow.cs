using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;
using SiemActors.Domain.Events;

namespace SiemActors.Archive;

/// <summary>
/// One event as a Parquet row: the fields of docs/schema.md under their names there. Times are
/// TIMESTAMP(MILLIS, UTC); ports, severity and partition INT32; offsets and counts INT64; tags a LIST of strings;
/// attributes a MAP of string to string. Optional text the event did not have is null (ClickHouse stores it as '').
/// docs/archive.md has the table.
/// </summary>
public sealed class ArchiveRow
{
    [JsonPropertyName("event_id"), ParquetRequired] public string EventId { get; set; } = "";

    [JsonPropertyName("timestamp"), ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
    public DateTime Timestamp { get; set; }

    [JsonPropertyName("ingested_at"), ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
    public DateTime IngestedAt { get; set; }

    [JsonPropertyName("source"), ParquetRequired] public string Source { get; set; } = "";

    [JsonPropertyName("host"), ParquetRequired] public string Host { get; set; } = "";

    [JsonPropertyName("severity")] public int Severity { get; set; }

    [JsonPropertyName("category")] public string? Category { get; set; }

    [JsonPropertyName("action")] public string? Action { get; set; }

    [JsonPropertyName("outcome")] public string? Outcome { get; set; }

    [JsonPropertyName("src_ip")] public string? SrcIp { get; set; }

    [JsonPropertyName("src_port")] public int? SrcPort { get; set; }

    [JsonPropertyName("dst_ip")] public string? DstIp { get; set; }

    [JsonPropertyName("dst_port")] public int? DstPort { get; set; }

    [JsonPropertyName("user")] public string? User { get; set; }

    [JsonPropertyName("process")] public string? Process { get; set; }

    [JsonPropertyName("message"), ParquetRequired] public string Message { get; set; } = "";

    [JsonPropertyName("tags")] public List<string> Tags { get; set; } = [];

    [JsonPropertyName("attributes")] public Dictionary<string, string> Attributes { get; set; } = [];

    [JsonPropertyName("host_first_seen"), ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
    public DateTime? HostFirstSeen { get; set; }

    [JsonPropertyName("host_seq")] public long? HostSeq { get; set; }

    [JsonPropertyName("host_rate_1m")] public int? HostRate1m { get; set; }

    [JsonPropertyName("topic"), ParquetRequired] public string Topic { get; set; } = "";

    [JsonPropertyName("partition")] public int Partition { get; set; }

    [JsonPropertyName("offset")] public long Offset { get; set; }

    [JsonPropertyName("raw"), ParquetRequired] public string Raw { get; set; } = "";

    /// <summary>The row's event time, Unix ms.</summary>
    [JsonIgnore, ParquetIgnore] public long TimestampMs => Ms(Timestamp);

    /// <summary>The ClickHouse key of an event (ReplacingMergeTree's sorting key) as text: an event is archived once per key.</summary>
    public static string StoreKeyOf(string source, long eventTimeSeconds, string eventId) => $"{source}\u0001{eventTimeSeconds}\u0001{eventId}";

    public static DateTime Time(long unixMs) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(unixMs), DateTimeKind.Utc);

    public static long Ms(DateTime time) => (long)(time - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>The event this row holds, with its host enrichment, for the filter predicate and the event JSON.</summary>
    public EnrichedEvent ToEvent()
    {
        var e = new SecurityEvent
        {
            EventId = EventId,
            Timestamp = TimestampMs,
            IngestedAt = Ms(IngestedAt),
            Source = Source,
            Host = Host,
            Severity = (Severity)Math.Clamp(Severity, 0, 7),
            Category = Category,
            Action = Action,
            Outcome = Outcome,
            SrcIp = SrcIp,
            SrcPort = SrcPort,
            DstIp = DstIp,
            DstPort = DstPort,
            User = User,
            Process = Process,
            Message = Message,
            Tags = Tags,
            Attributes = Attributes.Count == 0 ? SecurityEvent.NoAttributes : Attributes,
            Raw = System.Text.Encoding.UTF8.GetBytes(Raw),
            RawIsUtf8 = true,
            Origin = new KafkaOrigin(Topic, Partition, Offset),
        };
        var host = HostSeq is > 0 ? new HostEnrichment(HostFirstSeen is { } first ? Ms(first) : 0, HostSeq.Value, HostRate1m ?? 0) : HostEnrichment.None;
        return new EnrichedEvent(e, host);
    }
}
