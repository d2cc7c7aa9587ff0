namespace SiemActors.Domain.Events;

/// <summary>How a partition's log epoch qualifies the names that offsets are kept under.</summary>
public static class LogEpochs
{
    /// <summary>Most epochs a partition can have: the entity partition number (<see cref="EntityPartition"/>) is an int.</summary>
    public const int MaxEpoch = 20_000;

    private const int PartitionsPerEpoch = 100_000;

    /// <summary>The sinks' high-water mark name of a partition: <c>topic</c>, or <c>topic@epoch</c> after the first log.</summary>
    public static string MarkTopic(string topic, int epoch) => epoch == 0 ? topic : $"{topic}@{epoch}";

    /// <summary>
    /// The partition number the sharded entities (hosts, detection) keep applied offsets under: the partition itself
    /// for the first log, a number of its own for each later one, so a new log's low offsets are not skipped as replays.
    /// </summary>
    public static int EntityPartition(int partition, int epoch) =>
        epoch == 0 ? partition : checked(epoch * PartitionsPerEpoch + partition);
}
