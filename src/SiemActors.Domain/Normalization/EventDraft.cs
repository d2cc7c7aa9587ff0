using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization;

/// <summary>The fields gathered from one input, before they become a <see cref="SecurityEvent"/>.</summary>
internal struct EventDraft
{
    public string? Id;
    public long? Timestamp;
    public string? Host;
    public string? Source;
    public string? SourceType;
    public Severity? Severity;
    public string? Message;
    public string? Category;
    public string? Action;
    public string? Outcome;
    public string? SrcIp;
    public int? SrcPort;
    public string? DstIp;
    public int? DstPort;
    public string? User;
    public string? Process;
    public List<string>? Tags;
    public Dictionary<string, string>? Attributes;

    /// <summary>How many attributes the parser expects, so that the dictionary is made once at that size instead of
    /// growing 3 → 7 → 17 entries (each step a new array); 0 leaves it to grow.</summary>
    public int ExpectedAttributes;

    public void AddAttribute(string key, string value) =>
        (Attributes ??= new Dictionary<string, string>(ExpectedAttributes, StringComparer.Ordinal))[key] = value;

    public readonly SecurityEvent Build(ReadOnlyMemory<byte> raw, KafkaOrigin origin, long recordTimestamp, long ingestedAt) => new()
    {
        EventId = string.IsNullOrEmpty(Id) ? origin.DerivedEventId() : Id,
        Timestamp = Timestamp ?? recordTimestamp,
        IngestedAt = ingestedAt,
        Host = string.IsNullOrEmpty(Host) ? "unknown" : Host,
        Source = !string.IsNullOrEmpty(Source) ? Source : !string.IsNullOrEmpty(SourceType) ? SourceType : "unknown",
        Severity = Severity ?? Events.Severity.Informational,
        Message = Message ?? "",
        Category = Category,
        Action = Action,
        Outcome = Outcome,
        SrcIp = SrcIp,
        SrcPort = SrcPort,
        DstIp = DstIp,
        DstPort = DstPort,
        User = User,
        Process = Process,
        Tags = Tags is null ? [] : Tags,
        Attributes = Attributes is null ? SecurityEvent.NoAttributes : Attributes,
        Raw = raw,
        Origin = origin,
    };
}
