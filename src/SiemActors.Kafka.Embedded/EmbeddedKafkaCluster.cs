using System.Runtime.InteropServices;
using System.Text;

namespace SiemActors.Kafka.Embedded;

/// <summary>
/// librdkafka's mock cluster in this process: a real Kafka-protocol broker set on loopback ports, no persistence.
/// </summary>
/// <remarks>
/// The mock does not implement CreateTopics: create topics with <see cref="CreateTopic"/>. Topics auto-created by a
/// producer get 4 partitions. Each partition keeps only about 5 MiB, so very large backlogs lose their oldest data.
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly object _gate = new();
    private IntPtr _client;
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IntPtr client, IntPtr cluster, int brokerCount)
    {
        _client = client;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new EmbeddedKafkaException("the mock cluster reported no bootstrap servers");
    }

    /// <summary>Comma-separated <c>host:port</c> list of the mock brokers (127.0.0.1, ephemeral ports).</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>Starts a mock cluster of <paramref name="brokerCount"/> brokers.</summary>
    /// <param name="brokerCount">Brokers, each on its own loopback port.</param>
    /// <param name="initialRebalanceDelay">How long a new consumer group waits for more members before its first
    /// assignment (Kafka's <c>group.initial.rebalance.delay.ms</c>; the mock's default is 3 s). Null keeps the default.</param>
    public static EmbeddedKafkaCluster Start(int brokerCount = 3, TimeSpan? initialRebalanceDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        LibrdkafkaResolver.Install();

        var client = CreateHostClient();
        var cluster = NativeMethods.rd_kafka_mock_cluster_new(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            NativeMethods.rd_kafka_destroy(client);
            throw new EmbeddedKafkaException($"rd_kafka_mock_cluster_new failed for {brokerCount} brokers");
        }
        if (initialRebalanceDelay is { } delay)
            NativeMethods.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, (int)delay.TotalMilliseconds);
        return new EmbeddedKafkaCluster(client, cluster, brokerCount);
    }

    /// <summary>Creates a topic. Creating one that exists fails with librdkafka's error text.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = NativeMethods.rd_kafka_mock_topic_create(_cluster, name, partitions, replicationFactor);
            if (err != 0)
                throw new EmbeddedKafkaException($"creating topic '{name}' ({partitions} partitions) failed: {NativeMethods.ErrorText(err)}");
        }
    }

    /// <summary>
    /// Deletes a topic with its records and the groups' committed offsets for it (as Kafka does); a topic created again
    /// under the same name is a new log whose offsets start at 0, with a new topic id.
    /// </summary>
    public void DeleteTopic(string name)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = NativeMethods.rd_kafka_mock_topic_delete(_cluster, name);
            if (err != 0) throw new EmbeddedKafkaException($"deleting topic '{name}' failed: {NativeMethods.ErrorText(err)}");
        }
    }

    /// <summary>
    /// Deletes a partition's records before <paramref name="beforeOffset"/>, which becomes its log start offset: what
    /// retention does to a partition whose consumers fell behind (Kafka's DeleteRecords).
    /// </summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = NativeMethods.rd_kafka_mock_partition_delete_records(_cluster, topic, partition, beforeOffset);
            if (err != 0)
                throw new EmbeddedKafkaException($"deleting records of {topic}[{partition}] before {beforeOffset} failed: {NativeMethods.ErrorText(err)}");
        }
    }

    /// <summary>Takes a broker down (connections closed, requests refused) or brings it back; ids start at 1.</summary>
    public void SetBrokerUp(int brokerId, bool up)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = up
                ? NativeMethods.rd_kafka_mock_broker_set_up(_cluster, brokerId)
                : NativeMethods.rd_kafka_mock_broker_set_down(_cluster, brokerId);
            if (err != 0) throw new EmbeddedKafkaException($"broker {brokerId}: {NativeMethods.ErrorText(err)}");
        }
    }

    /// <summary>
    /// The brokers' own loopback addresses, by broker id (from 1): where a relay that advertises them elsewhere
    /// (<see cref="Advertise"/>) must forward.
    /// </summary>
    public IReadOnlyList<string> BrokerAddresses => BootstrapServers.Split(',');

    /// <summary>
    /// Makes a broker tell clients to reach it at <paramref name="host"/>:<paramref name="port"/> (metadata and the
    /// bootstrap list): for clients on other hosts, reaching the broker's loopback port through a relay.
    /// </summary>
    public void Advertise(int brokerId, string host, int port)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            NativeMethods.rd_kafka_mock_broker_set_host_port(_cluster, brokerId, host, port);
        }
    }

    /// <summary>Moves a partition's leadership to another broker (ids from 1), as a controller failover would.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = NativeMethods.rd_kafka_mock_partition_set_leader(_cluster, topic, partition, brokerId);
            if (err != 0) throw new EmbeddedKafkaException($"{topic}[{partition}] leader {brokerId}: {NativeMethods.ErrorText(err)}");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero) NativeMethods.rd_kafka_mock_cluster_destroy(_cluster);
            if (_client != IntPtr.Zero) NativeMethods.rd_kafka_destroy(_client);
            _cluster = IntPtr.Zero;
            _client = IntPtr.Zero;
        }
    }

    /// <summary>The mock cluster lives inside a librdkafka handle; a producer handle that never produces serves.</summary>
    private static IntPtr CreateHostClient()
    {
        var errors = new byte[512];
        var conf = NativeMethods.rd_kafka_conf_new();
        // No bootstrap servers: this handle only hosts the mock; keep its logging quiet.
        if (NativeMethods.rd_kafka_conf_set(conf, "log_level", "3", errors, (UIntPtr)errors.Length) != NativeMethods.ConfOk)
        {
            NativeMethods.rd_kafka_conf_destroy(conf);
            throw new EmbeddedKafkaException($"rd_kafka_conf_set: {Text(errors)}");
        }
        var client = NativeMethods.rd_kafka_new(NativeMethods.ProducerType, conf, errors, (UIntPtr)errors.Length);
        if (client != IntPtr.Zero) return client;
        NativeMethods.rd_kafka_conf_destroy(conf);
        throw new EmbeddedKafkaException($"rd_kafka_new: {Text(errors)}");
    }

    private static string Text(byte[] errors)
    {
        var end = Array.IndexOf(errors, (byte)0);
        return Encoding.UTF8.GetString(errors, 0, end < 0 ? errors.Length : end);
    }
}
