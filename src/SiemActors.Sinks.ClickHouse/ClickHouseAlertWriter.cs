using System.Text.Json;
using SiemActors.Domain.Alerts;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Inserts alerts into <see cref="AlertsSchema"/>, one insert per shard (by alert id); idempotent by alert id.</summary>
public sealed class ClickHouseAlertWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings)
{
    public Task EnsureSchemaAsync(CancellationToken ct = default) => ClusterTables.EnsureAsync(client, AlertsSchema.Statements(settings), ct);

    /// <summary>Inserts the alerts; on a cluster, each shard's (by alert id) in one insert into its local table.</summary>
    public Task WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken ct = default) =>
        JsonEachRowInsert.InsertAsync(client, settings, settings.AlertsTable, alerts, a => settings.ShardOf(a.AlertId), Write, ct);

    private static void Write(Utf8JsonWriter w, Alert a)
    {
        w.WriteString("alert_id"u8, a.AlertId);
        w.WriteString("rule"u8, a.Rule);
        w.WriteNumber("severity"u8, (int)a.Severity);
        w.WriteString("description"u8, a.Description);
        w.WriteString("key_field"u8, a.KeyField);
        w.WriteString("key"u8, a.Key);
        w.WriteNumber("first_event_ms"u8, a.FirstEventTime);
        w.WriteNumber("last_event_ms"u8, a.LastEventTime);
        w.WriteString("event_date"u8, JsonEachRowInsert.Date(Math.Max(0, a.LastEventTime)));
        w.WriteNumber("count"u8, a.Count);
        w.WriteStartArray("sample_event_ids"u8);
        foreach (var id in a.SampleEventIds) w.WriteStringValue(id);
        w.WriteEndArray();
        w.WriteNumber("detected_at_ms"u8, a.DetectedAt);
    }
}
