using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>What the consume loop tells its stage. Called on the loop's thread: implementations hand over to the stage.</summary>
internal interface IConsumerLoopListener<TKey, TValue>
{
    void OnAssigned(IReadOnlyList<PartitionAssignment> assigned);

    /// <summary>The partitions are gone; what was emitted from them and is still uncommitted stays uncommitted.</summary>
    void OnRevoked(IReadOnlyList<PartitionAssignment> revoked);

    /// <summary>Records in consume order; the list is the listener's to keep.</summary>
    void OnMessages(List<ConsumeResult<TKey, TValue>> batch);

    void OnFailure(Exception cause);
}
