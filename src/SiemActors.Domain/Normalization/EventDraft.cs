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

    public SecurityEvent Build(ReadOnlyMemory<byte> raw, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        if (Id is { Length: > SecurityEvent.MaxKeyChars }) // not an id: kept as text, the event gets the derived one
        {
            AddAttribute("id", Id);
            Id = null;
        }
        // Text fields hold U+FFFD where the input was not UTF-8, and the stores keep raw as text: the exact bytes go along.
        var rawIsUtf8 = System.Text.Unicode.Utf8.IsValid(raw.Span);
        if (!rawIsUtf8) AddAttribute(SecurityEvent.RawBase64Attribute, Convert.ToBase64String(raw.Span));
        return new SecurityEvent
        {
            EventId = string.IsNullOrEmpty(Id) ? origin.DerivedEventId() : Id,
            Timestamp = Timestamp ?? recordTimestamp,
            IngestedAt = ingestedAt,
            Host = string.IsNullOrEmpty(Host) ? "unknown" : Bound("host", Host),
            Source = Bound("source", !string.IsNullOrEmpty(Source) ? Source : !string.IsNullOrEmpty(SourceType) ? SourceType : "unknown"),
            Severity = Severity ?? Events.Severity.Informational,
            Message = Message ?? "",
            Category = Bound("category", Category),
            Action = Bound("action", Action),
            Outcome = Bound("outcome", Outcome),
            SrcIp = SrcIp,
            SrcPort = SrcPort,
            DstIp = DstIp,
            DstPort = DstPort,
            User = Bound("user", User),
            Process = Bound("process", Process),
            Tags = Tags is null ? [] : Tags,
            Attributes = Attributes is null ? SecurityEvent.NoAttributes : Attributes,
            Raw = raw,
            RawIsUtf8 = rawIsUtf8,
            Origin = origin,
        };
    }

    /// <summary>
    /// A key-like field (it names Redis keys and streams, sharded entities and detection keys) longer than
    /// <see cref="SecurityEvent.MaxKeyChars"/>: cut to that length, the whole value kept in the attribute
    /// <paramref name="name"/>.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private string? Bound(string name, string? value)
    {
        if (value is not { Length: > SecurityEvent.MaxKeyChars }) return value;
        AddAttribute(name, value);
        var cut = SecurityEvent.MaxKeyChars;
        if (char.IsHighSurrogate(value[cut - 1])) cut--; // never half a pair
        return value[..cut];
    }
}
