using Akka.Streams.Supervision;
using Confluent.Kafka;

namespace SiemActors.Kafka.Supervision;

/// <summary>
/// Decides what a consumer source does when a record cannot be consumed. Give it to a source with
/// <c>.WithAttributes(ActorAttributes.CreateSupervisionStrategy(decider.Decide))</c>; without one, the stage uses
/// <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Only record-level failures reach a decider: key or value deserialization and per-record broker errors. Transient
/// transport errors are retried by librdkafka and only logged; fatal client errors always fail the stage.
/// Resuming skips the record: its offset is committed with the next processed record of the partition, so it is not
/// read again. Pipelines that must dead-letter bad input should consume bytes and parse in the stream instead.
/// </remarks>
public class KafkaConsumerDecider
{
    /// <summary>Stops on undeserializable records (nothing skipped silently), resumes past other per-record errors.</summary>
    public static readonly KafkaConsumerDecider Default = new();

    /// <summary>Skips undeserializable records (each one logged as a warning with its partition and offset).</summary>
    public static readonly KafkaConsumerDecider SkipUndeserializable = new SkippingDecider();

    public Directive Decide(Exception cause) => cause switch
    {
        ConsumeException { Error.IsFatal: true } e => OnFatalError(e),
        ConsumeException { Error.Code: ErrorCode.Local_KeyDeserialization or ErrorCode.Local_ValueDeserialization } e => OnDeserializationError(e),
        ConsumeException e => OnRecordError(e),
        _ => Directive.Stop,
    };

    protected virtual Directive OnDeserializationError(ConsumeException cause) => Directive.Stop;

    protected virtual Directive OnRecordError(ConsumeException cause) => Directive.Resume;

    protected virtual Directive OnFatalError(ConsumeException cause) => Directive.Stop;

    private sealed class SkippingDecider : KafkaConsumerDecider
    {
        protected override Directive OnDeserializationError(ConsumeException cause) => Directive.Resume;
    }
}
