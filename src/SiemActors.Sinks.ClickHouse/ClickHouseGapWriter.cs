using System.Text.Json;
using SiemActors.Domain.Ingest;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Writes <see cref="IngestGap"/>s to <see cref="IngestGapsSchema"/> (on a cluster, the partition's shard); idempotent by range.</summary>
public sealed class ClickHouseGapWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings)
{
    public Task EnsureSchemaAsync(CancellationToken ct = default) => ClusterTables.EnsureAsync(client, IngestGapsSchema.Statements(settings), ct);

    public Task WriteAsync(IngestGap gap, CancellationToken ct = default) =>
        JsonEachRowInsert.InsertAsync(client, settings, settings.GapsTable, [gap], g => settings.ShardOf(g.Partition), Write, ct);

    private static void Write(Utf8JsonWriter w, IngestGap gap)
    {
        w.WriteString("topic"u8, gap.Topic);
        w.WriteNumber("partition"u8, gap.Partition);
        w.WriteNumber("first_offset"u8, gap.FirstOffset);
        w.WriteNumber("last_offset"u8, gap.LastOffset);
        w.WriteNumber("records"u8, gap.Records);
        w.WriteString("policy"u8, gap.Policy);
        w.WriteString("node"u8, gap.Node);
        w.WriteNumber("detected_at"u8, gap.DetectedAt / 1000);
        w.WriteNumber("detected_at_ms"u8, gap.DetectedAt);
    }
}
