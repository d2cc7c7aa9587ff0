namespace SiemActors.Domain.Normalization.Cef;

/// <summary>What a syslog header around a CEF or LEEF message contributes where the message itself is silent.</summary>
internal sealed record WrapperFallback(string? Host, long? Timestamp, IReadOnlyDictionary<string, string> Attributes)
{
    public static WrapperFallback None { get; } = new(null, null, new Dictionary<string, string>());

    public void ApplyTo(ref EventDraft draft)
    {
        draft.Host ??= Host;
        draft.Timestamp ??= Timestamp;
        foreach (var (key, value) in Attributes)
        {
            if (draft.Attributes is null || !draft.Attributes.ContainsKey(key)) draft.AddAttribute(key, value);
        }
    }
}
