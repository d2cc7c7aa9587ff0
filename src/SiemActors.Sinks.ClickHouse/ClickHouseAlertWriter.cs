using System.Buffers;
using System.Text.Json;
using SiemActors.Domain.Alerts;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Inserts alerts into <see cref="AlertsSchema"/> in one <c>JSONEachRow</c> insert; idempotent by alert id.</summary>
public sealed class ClickHouseAlertWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings)
{
    public Task EnsureSchemaAsync(CancellationToken ct = default) => ClusterTables.EnsureAsync(client, AlertsSchema.Statements(settings), ct);

    /// <summary>Inserts the alerts; on a cluster, each shard's (by alert id) in one insert into its local table.</summary>
    public async Task WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken ct = default)
    {
        if (alerts.Count == 0) return;
        if (settings.IsCluster)
        {
            await Task.WhenAll(alerts.GroupBy(a => settings.ShardOf(a.AlertId)).Select(g => InsertAsync(client.ForShard(g.Key), g.ToList(), ct)))
                .ConfigureAwait(false);
            return;
        }
        await InsertAsync(client, alerts, ct).ConfigureAwait(false);
    }

    private async Task InsertAsync(ClickHouseHttpClient target, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(alerts.Count * 512);
        using (var w = new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = true }))
        {
            foreach (var a in alerts)
            {
                w.WriteStartObject();
                w.WriteString("alert_id"u8, a.AlertId);
                w.WriteString("rule"u8, a.Rule);
                w.WriteNumber("severity"u8, (int)a.Severity);
                w.WriteString("description"u8, a.Description);
                w.WriteString("key_field"u8, a.KeyField);
                w.WriteString("key"u8, a.Key);
                w.WriteNumber("first_event_ms"u8, a.FirstEventTime);
                w.WriteNumber("last_event_ms"u8, a.LastEventTime);
                w.WriteString("event_date"u8, DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, a.LastEventTime)).UtcDateTime.ToString("yyyy-MM-dd"));
                w.WriteNumber("count"u8, a.Count);
                w.WriteStartArray("sample_event_ids"u8);
                foreach (var id in a.SampleEventIds) w.WriteStringValue(id);
                w.WriteEndArray();
                w.WriteNumber("detected_at_ms"u8, a.DetectedAt);
                w.WriteEndObject();
                w.Flush();
                body.Write("\n"u8);
                w.Reset(body);
            }
        }
        await target.InsertAsync($"INSERT INTO {settings.Local(settings.AlertsTable)} FORMAT JSONEachRow", body.WrittenMemory, ct).ConfigureAwait(false);
    }
}
