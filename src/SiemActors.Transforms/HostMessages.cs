namespace SiemActors.Transforms;

/// <summary>A message to or from a host entity; carries the host it concerns (the shard key).</summary>
public interface IHostMessage
{
    string Host { get; }
}

/// <summary>
/// The facts of one host's events in one partition batch, in partition order: compact, never the events themselves.
/// </summary>
public sealed record EnrichHost(string Host, int Partition, long[] Offsets, long[] Timestamps) : IHostMessage
{
    public int Count => Offsets.Length;
}

/// <summary>
/// The enrichment of each event of an <see cref="EnrichHost"/>, in the same order. A sequence number of 0 marks an
/// event the entity had already applied (a replay): it is not counted again.
/// </summary>
public sealed record HostEnriched(string Host, long FirstSeen, long[] Sequences, int[] EventsLastMinute) : IHostMessage;

/// <summary>
/// Several partitions' <see cref="EnrichHost"/> parts for one host, sent in one message (one round of partition
/// batches). The entity applies the parts in order and answers with <see cref="HostBatchesEnriched"/>.
/// </summary>
public sealed record EnrichHostBatches(string Host, EnrichHost[] Parts) : IHostMessage;

/// <summary>The answer to <see cref="EnrichHostBatches"/>: one <see cref="HostEnriched"/> per part, in the same order.</summary>
public sealed record HostBatchesEnriched(string Host, HostEnriched[] Parts) : IHostMessage;
