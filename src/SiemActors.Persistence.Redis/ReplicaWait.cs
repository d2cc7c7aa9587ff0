using System.Net;
using StackExchange.Redis;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// Makes an acknowledged write survive a master failover. Redis replicates asynchronously: a master that answered a
/// write and dies before its replica has it loses the write when the replica is promoted. After writes are answered,
/// <see cref="OnAsync"/> sends <c>WAIT replicas timeout</c> to each server that ran them (<see cref="SlotOwnerScript"/>
/// says which), on the connection that carried them, so it returns once every write sent on that connection reached
/// <see cref="Replicas"/> replicas. Fewer acknowledgements within <see cref="Timeout"/> throw
/// <see cref="ReplicaAcknowledgementException"/>: the caller retries its (idempotent) write and waits again rather
/// than acknowledge what one machine holds. <see cref="Replicas"/> 0 sends nothing (a single server, or a cluster whose
/// operator accepts losing the last writes of a failed master).
/// </summary>
public sealed record ReplicaWait(int Replicas, TimeSpan Timeout)
{
    public static readonly ReplicaWait None = new(0, TimeSpan.Zero);

    public bool Enabled => Replicas > 0;

    /// <summary>Waits on the servers that ran the writes (<see cref="SlotOwnerScript"/>), each once.</summary>
    public async Task OnAsync(IEnumerable<IServer> ran)
    {
        if (!Enabled) return;
        var servers = new Dictionary<EndPoint, IServer>();
        foreach (var server in ran) servers.TryAdd(server.EndPoint, server);
        var timeoutMs = (long)Timeout.TotalMilliseconds;
        var answers = await Task.WhenAll(servers.Values.Select(async s => (s.EndPoint, Acks: (long)await s.ExecuteAsync("WAIT", Replicas, timeoutMs).ConfigureAwait(false))))
            .ConfigureAwait(false);
        foreach (var (endPoint, acks) in answers)
        {
            if (acks < Replicas)
                throw new ReplicaAcknowledgementException(
                    $"WAIT: {acks} of {Replicas} replicas of {endPoint} acknowledged the write within {Timeout.TotalMilliseconds:0} ms");
        }
    }
}

/// <summary>A write Redis answered but too few replicas acknowledged in time: retry it (writes here are idempotent).</summary>
public sealed class ReplicaAcknowledgementException(string message) : RedisException(message);
