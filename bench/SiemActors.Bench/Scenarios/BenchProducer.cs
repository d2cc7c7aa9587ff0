using System.Diagnostics;
using Confluent.Kafka;

namespace SiemActors.Bench.Scenarios;

/// <summary>The harness's Kafka producer: idempotent, lz4, large batches; waits when its queue is full; paced sending.</summary>
internal static class BenchProducer
{
    public static IProducer<byte[]?, byte[]> Create(string bootstrap) =>
        new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap, LingerMs = 5, CompressionType = CompressionType.Lz4, EnableIdempotence = true, BatchSize = 1_000_000,
        }).Build();

    /// <summary>Produces one record, waiting while the producer's local queue is full.</summary>
    public static void Send(IProducer<byte[]?, byte[]> producer, string topic, int partition, byte[] value)
    {
        while (true)
        {
            try
            {
                producer.Produce(new TopicPartition(topic, partition), new Message<byte[]?, byte[]> { Value = value });
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="send"/> for 0 … <paramref name="count"/>-1 at <paramref name="rate"/>/s, in slices of
    /// 100 ms that share one timestamp (the moment the slice starts), then flushes.
    /// </summary>
    public static void AtRate(IProducer<byte[]?, byte[]> producer, int count, int rate, Action<int, DateTimeOffset> send)
    {
        var slice = Math.Max(1, rate / 10);
        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < count; sent += slice)
        {
            var now = DateTimeOffset.UtcNow;
            for (var k = sent; k < Math.Min(count, sent + slice); k++) send(k, now);
            producer.Poll(TimeSpan.Zero);
            var due = TimeSpan.FromSeconds((double)(sent + slice) / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero) Thread.Sleep(due);
        }
        producer.Flush(TimeSpan.FromMinutes(2));
    }
}
