using System.Globalization;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Filtering;

/// <summary>
/// A field of an event as text, read by a closure built once: what filters compare and what detection rules key and
/// count by. Absent fields read as "".
/// </summary>
public static class FieldText
{
    /// <summary>A reader of the named event field (a schema field or <c>attributes.&lt;name&gt;</c>).</summary>
    public static Func<SecurityEvent, string> Of(string name) =>
        FilterField.Find(name) is { } field ? Of(field) : throw new ArgumentException($"unknown field '{name}'", nameof(name));

    public static Func<SecurityEvent, string> Of(FilterField field) => field.Name switch
    {
        "event_id" => e => e.EventId,
        "source" => e => e.Source,
        "host" => e => e.Host,
        "category" => e => e.Category ?? "",
        "action" => e => e.Action ?? "",
        "outcome" => e => e.Outcome ?? "",
        "user" => e => e.User ?? "",
        "process" => e => e.Process ?? "",
        "message" => e => e.Message,
        "topic" => e => e.Origin.Topic,
        "src_ip" => e => e.SrcIp ?? "",
        "dst_ip" => e => e.DstIp ?? "",
        "src_port" => e => e.SrcPort is { } p ? p.ToString(CultureInfo.InvariantCulture) : "",
        "dst_port" => e => e.DstPort is { } p ? p.ToString(CultureInfo.InvariantCulture) : "",
        "severity" => e => e.Severity.Name(),
        _ when field.Attribute is { } name => e => e.Attributes.TryGetValue(name, out var v) ? v : "",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a field with a text value"),
    };
}
