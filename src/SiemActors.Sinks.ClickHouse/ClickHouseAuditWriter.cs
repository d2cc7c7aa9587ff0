using System.Text.Json;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Inserts audit records into <see cref="AuditSchema"/>, one insert per shard (by audit id); idempotent by audit id.</summary>
public sealed class ClickHouseAuditWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings)
{
    public Task EnsureSchemaAsync(CancellationToken ct = default) => ClusterTables.EnsureAsync(client, AuditSchema.Statements(settings), ct);

    public Task WriteAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct = default) =>
        JsonEachRowInsert.InsertAsync(client, settings, settings.AuditTable, records, r => settings.ShardOf(r.AuditId), Write, ct);

    private static void Write(Utf8JsonWriter w, AuditRecord r)
    {
        w.WriteString("audit_id"u8, r.AuditId);
        w.WriteNumber("at_ms"u8, r.AtMs);
        w.WriteString("event_date"u8, JsonEachRowInsert.Date(r.AtMs));
        w.WriteString("node"u8, r.Node);
        w.WriteString("user"u8, r.User);
        w.WriteStartArray("roles"u8);
        foreach (var role in r.Roles) w.WriteStringValue(role);
        w.WriteEndArray();
        w.WriteString("action"u8, r.Action);
        w.WriteString("detail"u8, r.Detail);
        w.WriteString("remote"u8, r.Remote);
        w.WriteString("result"u8, r.Result);
        w.WriteNumber("status"u8, r.Status);
        w.WriteNumber("result_size"u8, r.ResultSize);
    }
}
