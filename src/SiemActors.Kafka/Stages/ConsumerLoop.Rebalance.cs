using Akka.Event;
using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>Assignment and revocation, on the loop's thread (inside Consume).</summary>
internal sealed partial class ConsumerLoop<TKey, TValue>
{
    private void OnPartitionsAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        var assigned = new List<PartitionAssignment>(partitions.Count);
        foreach (var tp in partitions)
        {
            var assignment = new PartitionAssignment(tp, _groupId, this);
            _assignments[tp] = assignment;
            assigned.Add(assignment);
        }
        _pauseAfterRebalance = true;
        _log.Info("Group {0} assigned {1} partition(s): {2}", _groupId, assigned.Count, string.Join(", ", assigned));
        _listener.OnAssigned(assigned);
    }

    /// <summary>
    /// The group assigned <paramref name="partitions"/>: the stage learns of them, and each starts from the offset a
    /// manual-offset source's hook gives (awaited here, on the consumer's thread, before anything is fetched), else
    /// from the group's committed offset.
    /// </summary>
    private IEnumerable<TopicPartitionOffset> StartingOffsets(List<TopicPartition> partitions)
    {
        OnPartitionsAssigned(partitions);
        if (_hooks.OffsetsOnAssign is not { } offsetsOf || partitions.Count == 0)
            return partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Unset));
        var asked = offsetsOf(partitions);
        if (!asked.Wait(PartitionHooks.OffsetsTimeout))
            throw new TimeoutException($"the offsets for {string.Join(", ", partitions)} were not given within {PartitionHooks.OffsetsTimeout}");
        var offsets = asked.Result;
        _log.Info("Group {0} starts {1} partition(s) at the offsets given on assignment: {2}", _groupId, partitions.Count,
            string.Join(", ", partitions.Select(tp => offsets.TryGetValue(tp, out var o) ? $"{tp}@{o}" : $"{tp}@committed")));
        return partitions.Select(tp => new TopicPartitionOffset(tp, offsets.TryGetValue(tp, out var o) ? new Offset(o) : Offset.Unset));
    }

    /// <summary>For <see cref="Subscriptions.Assignment"/>: no group protocol, the partitions are ours at once.</summary>
    private void AssignManually(IReadOnlyList<TopicPartition> partitions) => OnPartitionsAssigned(partitions);

    /// <summary>
    /// Stops the stage emitting from the partitions, waits (bounded) until what it emitted is committed, then lets
    /// the partitions go. Offsets emitted under this assignment are never committed after it ends.
    /// </summary>
    private void OnPartitionsRevoked(IReadOnlyList<TopicPartitionOffset> partitions, bool lost)
    {
        var revoked = new List<PartitionAssignment>(partitions.Count);
        foreach (var tpo in partitions)
        {
            if (!_assignments.TryGetValue(tpo.TopicPartition, out var assignment)) continue;
            assignment.MarkRevoked();
            revoked.Add(assignment);
        }
        var dropped = DropPolled(revoked);
        if (!lost && !_closing) WaitUntilSettled(revoked);
        foreach (var assignment in revoked)
        {
            _assignments.Remove(assignment.TopicPartition);
            _paused.Remove(assignment.TopicPartition);
            _boundPaused.Remove(assignment.TopicPartition);
        }
        if (_pendingCommits.Count > 0) _retryNotBefore = default; // settle what is left: drop the revoked, retry the rest

        var unsettled = revoked.Count(a => !a.IsSettled);
        if (lost || unsettled > 0)
            _log.Warning("Group {0} gave up {1} partition(s) ({2}); {3} had emitted messages not yet committed: the next owner processes them again",
                _groupId, revoked.Count, lost ? "lost" : "revoked", lost ? revoked.Count : unsettled);
        else
            _log.Info("Group {0} revoked {1} partition(s): {2}", _groupId, revoked.Count, string.Join(", ", revoked));
        if (dropped > 0)
            _log.Info("Group {0}: {1} record(s) read from revoked partitions in the same poll were dropped; their next owner reads them",
                _groupId, dropped);
        _listener.OnRevoked(revoked);
        _hooks.OnRevoke?.Invoke(revoked.Select(a => a.TopicPartition).ToList());
    }

    /// <summary>
    /// Records taken from the consumer earlier in the current poll belong to the ownership that is ending. Handed
    /// over after this revocation they would reach the stage behind it — and if the group gives the partition straight
    /// back, land in the new ownership's substream ahead of the same offsets read again from the committed one.
    /// </summary>
    private int DropPolled(List<PartitionAssignment> revoked)
    {
        if (_polling is not { Count: > 0 } polled || revoked.Count == 0) return 0;
        var gone = revoked.Select(a => a.TopicPartition).ToHashSet();
        var dropped = polled.RemoveAll(r => gone.Contains(r.TopicPartition));
        if (dropped > 0) _takingStale = true;
        return dropped;
    }

    private void WaitUntilSettled(List<PartitionAssignment> revoked)
    {
        var deadline = DateTime.UtcNow + _settings.WaitClosePartition;
        while (true)
        {
            ExecuteCommands(commitsOnly: true);
            if (revoked.TrueForAll(a => a.IsSettled)) return;
            // The coordinator takes no commits from us until this rebalance completes, and it cannot complete while
            // we wait here: waiting longer only stalls the group.
            if (_lastCommitRefused) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return;
            _signal.Wait(left < _settings.PollTimeout ? left : _settings.PollTimeout);
        }
    }
}
