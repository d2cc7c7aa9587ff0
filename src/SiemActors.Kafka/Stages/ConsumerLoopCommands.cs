using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>Requests to the consume loop. All consumer calls happen on the loop's thread; these carry them there.</summary>
internal abstract record ConsumerLoopCommand
{
    public sealed record Commit(IReadOnlyList<OffsetToCommit> Offsets, TaskCompletionSource Done) : ConsumerLoopCommand;

    /// <summary>Pauses or resumes fetching; <paramref name="Partitions"/> null means every assigned partition.</summary>
    public sealed record Fetch(IReadOnlyList<TopicPartition>? Partitions, bool Paused) : ConsumerLoopCommand;

    /// <summary>The source stopped emitting: fetch nothing more, keep serving commits.</summary>
    public sealed record StopFetching(bool StageGone) : ConsumerLoopCommand;

    public sealed record Shutdown : ConsumerLoopCommand;
}
