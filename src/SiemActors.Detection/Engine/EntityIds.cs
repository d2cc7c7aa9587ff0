namespace SiemActors.Detection.Engine;

/// <summary>A detection entity per key field and value: <c>src_ip:10.0.0.5</c>. Rules keyed by the same field share it.</summary>
public static class EntityIds
{
    public static string For(string keyField, string key) => $"{keyField}:{key}";

    public static (string KeyField, string Key) Parse(string entityId)
    {
        var colon = entityId.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"'{entityId}' is not a detection entity id (field:value)", nameof(entityId));
        return (entityId[..colon], entityId[(colon + 1)..]);
    }
}
