namespace SiemActors.Domain.Normalization;

/// <summary>The schema fields an input field can land in. Anything else becomes an attribute.</summary>
internal enum EventField : byte
{
    None,
    Id,
    Timestamp,
    Host,
    Source,
    SourceType,
    Severity,
    Message,
    Category,
    Action,
    Outcome,
    SrcIp,
    SrcPort,
    DstIp,
    DstPort,
    User,
    Process,
    Tags,
}

/// <summary>
/// Input field names (flattened with dots, so <c>{"source":{"ip":…}}</c> is <c>source.ip</c>) to schema fields.
/// Lookups take a span: a known field costs no string.
/// </summary>
internal static class EventFieldNames
{
    private static readonly Dictionary<string, EventField> Names = new(StringComparer.Ordinal)
    {
        ["id"] = EventField.Id, ["event_id"] = EventField.Id, ["event.id"] = EventField.Id,
        ["timestamp"] = EventField.Timestamp, ["@timestamp"] = EventField.Timestamp, ["time"] = EventField.Timestamp,
        ["host"] = EventField.Host, ["hostname"] = EventField.Host, ["host.name"] = EventField.Host,
        ["source"] = EventField.Source, ["source_type"] = EventField.SourceType,
        ["severity"] = EventField.Severity, ["level"] = EventField.Severity, ["log.level"] = EventField.Severity,
        ["message"] = EventField.Message, ["msg"] = EventField.Message,
        ["category"] = EventField.Category, ["event.category"] = EventField.Category,
        ["action"] = EventField.Action, ["event.action"] = EventField.Action,
        ["outcome"] = EventField.Outcome, ["event.outcome"] = EventField.Outcome,
        ["src_ip"] = EventField.SrcIp, ["source_ip"] = EventField.SrcIp, ["source.ip"] = EventField.SrcIp, ["client_ip"] = EventField.SrcIp,
        ["src_port"] = EventField.SrcPort, ["source_port"] = EventField.SrcPort, ["source.port"] = EventField.SrcPort,
        ["dst_ip"] = EventField.DstIp, ["dest_ip"] = EventField.DstIp, ["destination_ip"] = EventField.DstIp, ["destination.ip"] = EventField.DstIp,
        ["dst_port"] = EventField.DstPort, ["dest_port"] = EventField.DstPort, ["destination_port"] = EventField.DstPort,
        ["destination.port"] = EventField.DstPort,
        ["user"] = EventField.User, ["user.name"] = EventField.User, ["username"] = EventField.User,
        ["process"] = EventField.Process, ["process.name"] = EventField.Process,
        ["tags"] = EventField.Tags,
    };

    private static readonly Dictionary<string, EventField>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    public static EventField Find(ReadOnlySpan<char> name) => BySpan.TryGetValue(name, out var field) ? field : EventField.None;
}
