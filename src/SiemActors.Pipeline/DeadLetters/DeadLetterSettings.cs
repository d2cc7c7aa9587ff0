using Akka.Configuration;

namespace SiemActors.Pipeline.DeadLetters;

/// <summary><c>siem.dead-letter</c>: how dead letters are sent (defaults in the pipeline's <c>reference.conf</c>).</summary>
public sealed record DeadLetterSettings
{
    private DeadLetterSettings(Config section)
    {
        MaxRecordBytes = section.GetInt("max-record-bytes");
        RetryMinBackoff = section.GetTimeSpan("retry-min-backoff");
        RetryMaxBackoff = section.GetTimeSpan("retry-max-backoff");
        LogInterval = section.GetTimeSpan("log-interval");
        if (MaxRecordBytes is < 0 or (> 0 and < 16 * 1024))
            throw new ConfigurationException("siem.dead-letter.max-record-bytes must be 0 (from the producer and topic) or at least 16384");
        if (LogInterval <= TimeSpan.Zero) throw new ConfigurationException("siem.dead-letter.log-interval must be positive");
    }

    public static DeadLetterSettings Create(Config config) => new(PipelineSettings.WithDefaults(config).GetConfig("siem.dead-letter"));

    /// <summary>The largest copy (key + value + headers); 0: the DLQ producer's message.max.bytes, lowered to the topic's
    /// max.message.bytes where the brokers tell it.</summary>
    public int MaxRecordBytes { get; init; }

    public TimeSpan RetryMinBackoff { get; init; }

    public TimeSpan RetryMaxBackoff { get; init; }

    /// <summary>The least time between two log lines about dead letters (each line sums up the ones since the last).</summary>
    public TimeSpan LogInterval { get; init; }
}
