using System.Buffers;
using System.Text.Json;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Inserts audit records into <see cref="AuditSchema"/> in one <c>JSONEachRow</c> insert; idempotent by audit id.</summary>
public sealed class ClickHouseAuditWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings)
{
    public Task EnsureSchemaAsync(CancellationToken ct = default) => ClusterTables.EnsureAsync(client, AuditSchema.Statements(settings), ct);

    public async Task WriteAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct = default)
    {
        if (records.Count == 0) return;
        if (settings.IsCluster)
        {
            await Task.WhenAll(records.GroupBy(r => settings.ShardOf(r.AuditId)).Select(g => InsertAsync(client.ForShard(g.Key), g.ToList(), ct)))
                .ConfigureAwait(false);
            return;
        }
        await InsertAsync(client, records, ct).ConfigureAwait(false);
    }

    private async Task InsertAsync(ClickHouseHttpClient target, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(records.Count * 256);
        using (var w = new Utf8JsonWriter(body))
        {
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteString("audit_id"u8, r.AuditId);
                w.WriteNumber("at_ms"u8, r.AtMs);
                w.WriteString("event_date"u8, DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs).UtcDateTime.ToString("yyyy-MM-dd"));
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
                w.WriteEndObject();
                w.Flush();
                body.Write("\n"u8);
                w.Reset(body);
            }
        }
        await target.InsertAsync($"INSERT INTO {settings.Local(settings.AuditTable)} FORMAT JSONEachRow", body.WrittenMemory, ct).ConfigureAwait(false);
    }
}
