using System.Diagnostics;
using Confluent.Kafka;

namespace SiemActors.Fuzz;

/// <summary>
/// Produces hostile records (<see cref="Mutator"/>) of every format, with a marker event every
/// <paramref name="markerEvery"/> records, into a running node, never further ahead of it than the broker's retention
/// allows, and checks where each record ended: the node never stopped; every record is stored (a row in ClickHouse
/// with its partition and offset) or dead-lettered (a record in the DLQ naming them), none both and none twice; every
/// marker is in ClickHouse and in Redis's live stream exactly once; no partition stood still with records waiting for
/// longer than <paramref name="stallBound"/>.
/// </summary>
public sealed class FuzzCampaign(FuzzTarget target, int seed, int records, int markerEvery, TimeSpan stallBound, Action<string> log)
{
    /// <summary>Records produced and not yet committed, at most: bounded so retention never deletes one unread.</summary>
    private const int MaxLeadRecords = 8_000;

    /// <summary>Bytes of one partition produced and not yet committed, at most (the embedded broker keeps ~5 MiB a partition).</summary>
    private const long MaxLeadBytesPerPartition = 3L * 1024 * 1024;

    /// <summary>Dead letters of one partition written and not yet read by the check, at most, before producing waits.</summary>
    private const long MaxDeadLettersBehind = 300;

    public async Task<FuzzReport> RunAsync(CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var run = $"{seed}x{Environment.TickCount64 % 100_000}";
        var random = new Random(seed);
        var mutator = new Mutator(random, target.MaxMessageBytes);
        var failures = new List<string>();
        var produced = new Produced(records);
        using var progress = new CommitWatch(target, stallBound);
        using var deadLetters = new DeadLetterCollector(target);
        using var watermarks = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = target.BootstrapServers, GroupId = "fuzz-watermarks" }).Build();
        await deadLetters.Started.WaitAsync(TimeSpan.FromSeconds(30), cancellation);

        log($"fuzz: producing {records:N0} records (seed {seed}, a marker every {markerEvery}) into {target.Topic} ...");
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
               {
                   BootstrapServers = target.BootstrapServers, EnableIdempotence = true, Acks = Acks.All, LingerMs = 5,
                   MessageMaxBytes = 8 * 1024 * 1024,
               }).Build())
        {
            for (var n = 0; n < records; n++)
            {
                var record = n % markerEvery == markerEvery - 1
                    ? new FuzzRecord(Samples.Marker(run, n), null, null, Mutation.Valid, n)
                    : mutator.Next(n);
                var partition = random.Next(target.Partitions);
                while (n - produced.Refused - progress.CommittedTotal > MaxLeadRecords || produced.BytesAhead(partition, progress) > MaxLeadBytesPerPartition)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20));
                    await progress.CheckAsync(produced.EndOffsets(), failures, cancellation);
                    if (deadLetters.Missed is { } behind) failures.Add($"the check itself fell behind: {behind}");
                    if (failures.Count > 0) return Report(produced, failures, clock, null);
                }
                Send(producer, record, partition, n, produced);
                if (n > 0 && n % 100_000 == 0) log($"fuzz: {n:N0} produced, {progress.CommittedTotal:N0} committed, {clock.Elapsed.TotalMinutes:N1} min");
                // The dead letters must be read before the broker's retention drops them: wait while the reader is far behind.
                if (n % 500 == 0)
                {
                    while (deadLetters.Behind(watermarks) > MaxDeadLettersBehind)
                    {
                        if (deadLetters.Missed is { } missed)
                        {
                            failures.Add($"the check itself fell behind: {missed}");
                            return Report(produced, failures, clock, null);
                        }
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                        await progress.CheckAsync(produced.EndOffsets(), failures, cancellation);
                        if (failures.Count > 0) return Report(produced, failures, clock, null);
                    }
                }
            }
            producer.Flush(TimeSpan.FromMinutes(2));
        }
        if (produced.Refused > 0) log($"fuzz: {produced.Refused:N0} record(s) refused by the producer or broker (not counted)");

        log("fuzz: waiting until the node has committed everything ...");
        while (!progress.CaughtUp(produced.EndOffsets()))
        {
            await progress.CheckAsync(produced.EndOffsets(), failures, cancellation);
            if (failures.Count > 0) return Report(produced, failures, clock, null);
            await Task.Delay(250, cancellation);
        }
        if (!target.NodeAlive()) failures.Add("the node stopped");

        log("fuzz: checking where every record ended ...");
        var where = await Verification.RunAsync(target, produced, deadLetters, run, failures, cancellation);
        return Report(produced, failures, clock, where, progress.LongestStall);
    }

    private void Send(IProducer<byte[]?, byte[]?> producer, FuzzRecord record, int partition, int n, Produced produced)
    {
        var message = new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value };
        if (record.TimestampMs is { } ms) message.Timestamp = new Timestamp(ms, TimestampType.CreateTime);
        var size = (record.Value?.Length ?? 0) + (record.Key?.Length ?? 0);
        while (true)
        {
            try
            {
                producer.Produce(new TopicPartition(target.Topic, partition), message,
                    report => produced.Delivered(n, record, report.Partition.Value, report.Error.IsError ? -1 : report.Offset.Value, size));
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
            catch (ProduceException<byte[]?, byte[]?>)
            {
                produced.Delivered(n, record, partition, -1, size); // refused locally (an invalid timestamp, say)
                return;
            }
        }
    }

    private FuzzReport Report(Produced produced, List<string> failures, Stopwatch clock, Verification? where, double longestStall = 0) =>
        new(seed, produced.Count, produced.Markers, where?.Stored ?? 0, where?.DeadLettered ?? 0,
            where?.ByReason ?? new Dictionary<string, long>(), produced.ByKind(), where?.RawDuplicates ?? 0, where?.Collapsed ?? 0, longestStall, clock.Elapsed,
            failures);
}
