using Akka.Event;
using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>Executes queued requests on the loop's thread; commit requests queued together become one commit.</summary>
internal sealed partial class ConsumerLoop<TKey, TValue>
{
    private readonly List<ConsumerLoopCommand.Commit> _pendingCommits = new();
    private readonly List<ConsumerLoopCommand> _deferred = new();
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(100);
    private DateTime _retryNotBefore;
    private bool _lastCommitRefused;

    private void ExecuteCommands(bool commitsOnly)
    {
        if (!commitsOnly && _deferred.Count > 0)
        {
            var deferred = _deferred.ToArray();
            _deferred.Clear();
            foreach (var command in deferred) Execute(command, commitsOnly: false);
        }
        while (_commands.TryDequeue(out var command)) Execute(command, commitsOnly);
        if (_pendingCommits.Count > 0) CommitPending();
    }

    private void Execute(ConsumerLoopCommand command, bool commitsOnly)
    {
            switch (command)
            {
                case ConsumerLoopCommand.Commit commit:
                    _pendingCommits.Add(commit);
                    break;
                case var other when commitsOnly:
                    _deferred.Add(other); // not inside a rebalance callback; after it
                    break;
                case ConsumerLoopCommand.Fetch fetch:
                    ApplyFetch(fetch);
                    break;
                case ConsumerLoopCommand.StopFetching stop:
                    ApplyStop(stop);
                    break;
                case ConsumerLoopCommand.Shutdown:
                    _shutdownRequested = true;
                    break;
            }
    }

    private void ApplyFetch(ConsumerLoopCommand.Fetch fetch)
    {
        if (_fetchingStopped) return;
        var consumer = _consumer!;
        var owned = consumer.Assignment;
        var partitions = fetch.Partitions is null ? owned : fetch.Partitions.Where(owned.Contains).ToList();
        if (partitions.Count == 0) return;
        if (fetch.Paused) consumer.Pause(partitions);
        else consumer.Resume(partitions.Where(tp => !_boundPaused.Contains(tp)).ToList()); // the budget's pause holds until it has room
        foreach (var tp in partitions)
        {
            if (fetch.Paused) _paused.Add(tp);
            else _paused.Remove(tp);
        }
    }

    private void ApplyStop(ConsumerLoopCommand.StopFetching stop)
    {
        if (!_fetchingStopped)
        {
            _fetchingStopped = true;
            _consumer!.Pause(_consumer.Assignment);
        }
        if (stop.StageGone && _stopDeadline is null) _stopDeadline = DateTime.UtcNow + _settings.StopTimeout;
    }

    /// <summary>
    /// Commits the highest offset per partition still owned. A commit the coordinator refuses because the group is
    /// rebalancing stays pending and is tried again (after <see cref="RetryBackoff"/>) until it goes through or the
    /// partition is revoked; only then do its tasks complete.
    /// </summary>
    private void CommitPending()
    {
        if (DateTime.UtcNow < _retryNotBefore) return;
        var highest = new Dictionary<TopicPartition, OffsetToCommit>();
        var stale = 0;
        foreach (var command in _pendingCommits)
        {
            foreach (var offset in command.Offsets)
            {
                var tp = offset.Assignment.TopicPartition;
                if (!_assignments.TryGetValue(tp, out var current) || !ReferenceEquals(current, offset.Assignment))
                {
                    stale++; // emitted under an ownership that has ended: the next owner processes it again
                    continue;
                }
                if (offset.Next <= current.CommittedNext) continue;
                if (!highest.TryGetValue(tp, out var seen) || offset.Next > seen.Next) highest[tp] = offset;
            }
        }
        if (stale > 0) _log.Debug("Group {0}: {1} offset(s) of partitions no longer owned were not committed", _groupId, stale);

        Exception? failure = null;
        var outcome = highest.Count == 0 ? CommitOutcome.Committed : TryCommit(highest, out failure);
        if (outcome == CommitOutcome.Refused)
        {
            _lastCommitRefused = true;
            _retryNotBefore = DateTime.UtcNow + RetryBackoff;
            return; // stays pending
        }
        _lastCommitRefused = false;
        foreach (var command in _pendingCommits)
        {
            if (outcome == CommitOutcome.Committed) command.Done.TrySetResult();
            else command.Done.TrySetException(failure!);
        }
        _pendingCommits.Clear();
    }

    private CommitOutcome TryCommit(Dictionary<TopicPartition, OffsetToCommit> highest, out Exception? failure)
    {
        failure = null;
        try
        {
            var offsets = highest.Values.Select(o => new TopicPartitionOffset(o.Assignment.TopicPartition, o.Next)).ToList();
            _consumer!.Commit(offsets);
            _settings.CommitListener?.Invoke(offsets);
            foreach (var o in highest.Values) o.Assignment.CommittedNext = o.Next;
            return CommitOutcome.Committed;
        }
        catch (TopicPartitionOffsetException ex)
        {
            foreach (var result in ex.Results)
            {
                if (!result.Error.IsError && highest.TryGetValue(result.TopicPartition, out var ok)) ok.Assignment.CommittedNext = ok.Next;
            }
            if (OwnershipLost(ex.Error.Code) || ex.Results.All(r => !r.Error.IsError || OwnershipLost(r.Error.Code)))
                return Refused(ex.Error);
            failure = ex;
            return CommitOutcome.Failed;
        }
        catch (KafkaException ex) when (OwnershipLost(ex.Error.Code))
        {
            return Refused(ex.Error);
        }
        catch (KafkaException ex)
        {
            failure = ex;
            return CommitOutcome.Failed;
        }
    }

    private CommitOutcome Refused(Confluent.Kafka.Error error)
    {
        _log.Info("Group {0}: commit refused while the group rebalances ({1}); it is tried again while the partitions stay ours",
            _groupId, error.Reason);
        return CommitOutcome.Refused;
    }

    private enum CommitOutcome
    {
        Committed,
        Refused,
        Failed,
    }

    /// <summary>Errors that mean the group moved on: the commit is dropped, not failed; the data is replayed.</summary>
    private static bool OwnershipLost(ErrorCode code) => code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration
        or ErrorCode.UnknownMemberId or ErrorCode.Local_AssignmentLost or ErrorCode.Local_State or ErrorCode.FencedInstanceId;
}
