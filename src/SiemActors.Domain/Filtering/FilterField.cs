namespace SiemActors.Domain.Filtering;

/// <summary>How a field's values compare.</summary>
public enum FieldType
{
    Text,
    Number,
    Severity,
    Time,
    Address,
    Tags,
}

/// <summary>A field a filter may name: one of the schema's (docs/schema.md), or <c>attributes.&lt;name&gt;</c>.</summary>
public sealed record FilterField(string Name, FieldType Type, string? Attribute = null)
{
    private static readonly Dictionary<string, FilterField> Schema = new FilterField[]
    {
        new("event_id", FieldType.Text), new("source", FieldType.Text), new("host", FieldType.Text),
        new("category", FieldType.Text), new("action", FieldType.Text), new("outcome", FieldType.Text),
        new("user", FieldType.Text), new("process", FieldType.Text), new("message", FieldType.Text), new("topic", FieldType.Text),
        new("severity", FieldType.Severity), new("timestamp", FieldType.Time), new("ingested_at", FieldType.Time),
        new("src_ip", FieldType.Address), new("dst_ip", FieldType.Address),
        new("src_port", FieldType.Number), new("dst_port", FieldType.Number), new("partition", FieldType.Number), new("offset", FieldType.Number),
        new("tags", FieldType.Tags),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The schema's field names, in a stable order.</summary>
    public static IReadOnlyCollection<string> Names => Schema.Keys;

    public static FilterField? Find(string name)
    {
        if (Schema.TryGetValue(name, out var field)) return field;
        const string prefix = "attributes.";
        if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal))
            return new FilterField(name, FieldType.Text, name[prefix.Length..]);
        return null;
    }

    public override string ToString() => Name;
}
