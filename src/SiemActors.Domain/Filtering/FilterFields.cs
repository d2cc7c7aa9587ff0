namespace SiemActors.Domain.Filtering;

/// <summary>The fields a filter may name: those of events (the default), or those of alerts.</summary>
public sealed class FilterFields
{
    private readonly Func<string, FilterField?> _find;

    private FilterFields(Func<string, FilterField?> find, string help)
    {
        _find = find;
        Help = help;
    }

    /// <summary>Event fields (docs/schema.md) and <c>attributes.&lt;name&gt;</c>.</summary>
    public static FilterFields Events { get; } = new(FilterField.Find, string.Join(", ", FilterField.Names) + " and attributes.<name>");

    private static readonly Dictionary<string, FilterField> AlertSchema = new FilterField[]
    {
        new("alert_id", FieldType.Text), new("rule", FieldType.Text), new("key_field", FieldType.Text), new("key", FieldType.Text),
        new("severity", FieldType.Severity), new("timestamp", FieldType.Time), new("first_seen", FieldType.Time), new("count", FieldType.Number),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Alert fields (docs/detections.md): <c>timestamp</c> is the last event's time.</summary>
    public static FilterFields Alerts { get; } = new(name => AlertSchema.GetValueOrDefault(name), string.Join(", ", AlertSchema.Keys));

    /// <summary>What the message of an unknown field lists.</summary>
    public string Help { get; }

    public FilterField? Find(string name) => _find(name);
}
