using Akka.Actor;
using Akka.Configuration;

namespace SiemActors.Kafka.Settings;

/// <summary>How <see cref="Dsl.Committer"/> batches offsets; defaults come from <c>akka.kafka.committer</c>.</summary>
public sealed record CommitterSettings
{
    private CommitterSettings(Config section)
    {
        MaxBatch = section.GetInt("max-batch");
        MaxInterval = section.GetTimeSpan("max-interval");
        Parallelism = section.GetInt("parallelism");
    }

    public static CommitterSettings Create(ActorSystem system) => new(KafkaDefaults.Section(system, "akka.kafka.committer"));

    public static CommitterSettings Create(Config config) => new(KafkaDefaults.Section(config, "akka.kafka.committer"));

    public int MaxBatch { get; init; }

    public TimeSpan MaxInterval { get; init; }

    public int Parallelism { get; init; }

    public CommitterSettings WithMaxBatch(int maxBatch) =>
        this with { MaxBatch = maxBatch >= 1 ? maxBatch : throw new ArgumentOutOfRangeException(nameof(maxBatch)) };

    public CommitterSettings WithMaxInterval(TimeSpan interval) =>
        this with { MaxInterval = interval > TimeSpan.Zero ? interval : throw new ArgumentOutOfRangeException(nameof(interval)) };

    public CommitterSettings WithParallelism(int parallelism) =>
        this with { Parallelism = parallelism >= 1 ? parallelism : throw new ArgumentOutOfRangeException(nameof(parallelism)) };
}
