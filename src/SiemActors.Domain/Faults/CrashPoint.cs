namespace SiemActors.Domain.Faults;

/// <summary>
/// The named crash points (<see cref="CrashPoints"/>): each dangerous step of the delivery contract, in the order a
/// batch meets them. docs/reliability.md lists what each one's test shows.
/// </summary>
public static class CrashPoint
{
    /// <summary>ClickHouse: the ledger's "before" row is written, the insert is not.</summary>
    public const string ClickHouseAfterBeforeRow = "clickhouse.after-before-row";

    /// <summary>ClickHouse: the rows are inserted, the ledger's "after" row is not written.</summary>
    public const string ClickHouseAfterInsert = "clickhouse.after-insert";

    /// <summary>ClickHouse: the "after" row is written, the batch is not acknowledged to the pipeline.</summary>
    public const string ClickHouseAfterAfterRow = "clickhouse.after-after-row";

    /// <summary>Redis: the batch's script has not run yet.</summary>
    public const string RedisBeforeScript = "redis.before-script";

    /// <summary>Redis: the script has run (events, streams and mark written), the batch is not acknowledged.</summary>
    public const string RedisAfterScript = "redis.after-script";

    /// <summary>Dead letters: the broker acknowledged the batch's dead letters, the batch has not gone on.</summary>
    public const string DeadLetterAfterProduce = "dlq.after-produce";

    /// <summary>The Kafka output: the broker acknowledged the batch's events, the batch is not committed.</summary>
    public const string KafkaOutputAfterProduce = "kafka-output.after-produce";

    /// <summary>Every sink and the DLQ acknowledged the batch; its offset is not handed to the committer.</summary>
    public const string BeforeCommit = "pipeline.before-commit";

    /// <summary>The broker accepted the commit; the consumer has not recorded it nor answered the stream.</summary>
    public const string DuringCommit = "pipeline.during-commit";

    /// <summary>Detection: an entity's facts are in the journal; the entity has not answered the pipeline.</summary>
    public const string DetectionAfterJournal = "detection.after-journal";

    /// <summary>Detection: alerts are in the Redis stream, not yet in ClickHouse (nor marked published in the journal).</summary>
    public const string DetectionAfterAlertRedis = "detection.after-alert-redis";

    public static readonly IReadOnlyList<string> All =
    [
        ClickHouseAfterBeforeRow, ClickHouseAfterInsert, ClickHouseAfterAfterRow, RedisBeforeScript, RedisAfterScript,
        DeadLetterAfterProduce, KafkaOutputAfterProduce, BeforeCommit, DuringCommit, DetectionAfterJournal, DetectionAfterAlertRedis,
    ];
}
