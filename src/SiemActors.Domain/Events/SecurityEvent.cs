namespace SiemActors.Domain.Events;

/// <summary>
/// A normalized security event. Field names follow the Elastic Common Schema where one exists (see docs/schema.md).
/// </summary>
public sealed class SecurityEvent
{
    /// <summary>
    /// The longest id, host, source, user, process, category, action or outcome: these name Redis keys and streams,
    /// sharded entities and detection keys, which a hostile record must not blow up. A longer value is cut (an id is
    /// replaced by the derived one) and kept whole in an attribute of the field's name; the raw record is kept as well.
    /// </summary>
    public const int MaxKeyChars = 256;

    /// <summary>The shipper's id, else derived from the Kafka origin: stable across replays.</summary>
    public required string EventId { get; init; }

    /// <summary>Event time, Unix milliseconds UTC (the Kafka record's timestamp when the input has none).</summary>
    public required long Timestamp { get; init; }

    /// <summary>When the pipeline read it, Unix milliseconds UTC.</summary>
    public required long IngestedAt { get; init; }

    /// <summary>The log source's name (firewall, sshd, …); "unknown" when the input has none.</summary>
    public required string Source { get; init; }

    public required string Host { get; init; }

    public Severity Severity { get; init; } = Severity.Informational;

    public string? Category { get; init; }

    public string? Action { get; init; }

    public string? Outcome { get; init; }

    public string? SrcIp { get; init; }

    public int? SrcPort { get; init; }

    public string? DstIp { get; init; }

    public int? DstPort { get; init; }

    public string? User { get; init; }

    public string? Process { get; init; }

    public string Message { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Every input field the schema has no place for, as text; nested objects flattened with dots.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = NoAttributes;

    /// <summary>
    /// The attribute that holds the input's exact bytes (base64) when they are not valid UTF-8: the stores keep
    /// <see cref="Raw"/> as text, with U+FFFD for what is not UTF-8.
    /// </summary>
    public const string RawBase64Attribute = "raw_base64";

    /// <summary>The input exactly as read.</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>
    /// True when the normalizer found <see cref="Raw"/> to be valid UTF-8 (it looks once, per event): the stores then
    /// write it as text without looking again. False when it is not, or not known; a store checks for itself then.
    /// </summary>
    public bool RawIsUtf8 { get; init; }

    /// <summary>Whether <see cref="Raw"/> is valid UTF-8, looking only where the normalizer did not say it is.</summary>
    public bool RawIsValidUtf8() => RawIsUtf8 || System.Text.Unicode.Utf8.IsValid(Raw.Span);

    public required KafkaOrigin Origin { get; init; }

    /// <summary>The one empty attribute set events without attributes share (read-only: never cast it back and add to it).</summary>
    public static IReadOnlyDictionary<string, string> NoAttributes { get; } = new Dictionary<string, string>();
}
