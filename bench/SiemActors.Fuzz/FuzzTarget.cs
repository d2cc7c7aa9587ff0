namespace SiemActors.Fuzz;

/// <summary>
/// A running node to fuzz and where to look: its broker and topics, consumer group, ClickHouse database, Redis key prefix,
/// and whether its process is still the one that started (a node that stopped or restarted fails the campaign).
/// </summary>
public sealed record FuzzTarget(
    string BootstrapServers,
    string Topic,
    int Partitions,
    string DeadLetterTopic,
    int DeadLetterPartitions,
    string GroupId,
    string ClickHouseUrl,
    string Database,
    string RedisEndpoint,
    string KeyPrefix,
    int MaxMessageBytes,
    Func<bool> NodeAlive);
