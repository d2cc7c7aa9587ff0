using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using SiemActors.Detection.Engine;

namespace SiemActors.Detection.Entity;

/// <summary>
/// A detection entity without facts for a while: forgotten (storage deleted) once no window can complete, dormant
/// (state in a snapshot, stopped until the key's next facts) before that when nothing is pending, its snapshot kept
/// fresh when something is.
/// </summary>
public sealed partial class DetectionEntity
{
    /// <summary>
    /// No facts for a while. Nothing pending and no facts for longer than any window (idle-timeout): nothing can complete,
    /// forget the key. Nothing pending and no facts for dormant-after: go dormant. Something pending: keep the snapshot fresh.
    /// </summary>
    private void OnIdle()
    {
        if (_publishing || _forgetting > 0 || _goingDormant) return;
        var now = Now();
        if (!_state.CanForget(now))
        {
            RefreshSnapshot(now);
            return;
        }
        if (now - _lastFactAt < _settings.IdleTimeout.TotalMilliseconds)
        {
            if (_settings.DormantAfter > TimeSpan.Zero && Stash.IsEmpty)
            {
                _goingDormant = true;
                _sinceSnapshot = 0;
                TakeSnapshot();
            }
            return;
        }
        // The journal plugin keeps the highest sequence number (with a TTL), so a later incarnation numbers on. The
        // entity stops only once both deletions are confirmed: a new incarnation must never see half of them.
        _forgetting = 2;
        _forgetTo = LastSequenceNr;
        DeleteMessages(LastSequenceNr);
        DeleteSnapshots(SnapshotSelectionCriteria.Latest);
    }

    /// <summary>The dormancy snapshot is saved: stop, unless facts came meanwhile (then the entity simply stays).</summary>
    private void Dormant()
    {
        _goingDormant = false;
        if (_sinceSnapshot > 0 || !Stash.IsEmpty || _publishing || !_state.CanForget(Now())) return;
        DetectionMetrics.Dormant.Inc();
        Context.SetReceiveTimeout(null);
        Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    /// <summary>A live entity's snapshot is renewed before the snapshot store lets it expire.</summary>
    private void RefreshSnapshot(long now)
    {
        if (_sinceSnapshot == 0 || now - _lastSnapshotAt < _settings.SnapshotMaxAge.TotalMilliseconds) return;
        _sinceSnapshot = 0;
        TakeSnapshot();
    }

    private void TakeSnapshot()
    {
        _lastSnapshotAt = Now();
        SaveSnapshot(_state.ToSnapshot());
    }

    /// <summary>A deletion (while forgetting, or of what a snapshot made obsolete) succeeded.</summary>
    private void Forgot(bool forgetting)
    {
        if (!forgetting || _forgetting == 0 || --_forgetting > 0) return;
        _forgetTo = -1;
        // Storage is empty now: the state is what a recovery would build, nothing.
        _state = new DetectionState(_entityId, _rules, _settings);
        DetectionMetrics.Forgotten.Inc();
        if (Stash.IsEmpty)
        {
            Context.SetReceiveTimeout(null);
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
        else
        {
            Stash.UnstashAll();
        }
    }

    private void ForgetFailed(string what, Exception cause, bool forgetting)
    {
        _log.Warning("Entity {0}: deleting {1} failed: {2}", _entityId, what, cause.Message);
        if (!forgetting || _forgetting == 0) return;
        // Keep the key (its state is whole in memory; the next snapshot rewrites what storage lost).
        (_forgetting, _forgetTo) = (0, -1);
        _sinceSnapshot = _settings.SnapshotEvery;
        Stash.UnstashAll();
    }
}
