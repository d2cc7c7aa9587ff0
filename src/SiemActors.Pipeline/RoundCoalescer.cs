using System.Diagnostics;
using SiemActors.Resilience;

namespace SiemActors.Pipeline;

/// <summary>
/// Serves the requests of many partitions in shared rounds, one round at a time: requests handed in while a round
/// runs, or less than <c>minInterval</c> after the last round started, wait and go together in the next one. An idle
/// coalescer starts a round at once. Per-partition work that costs the same per key whatever the batch size (one Ask
/// per host, one journal write per detection key) is then paid once per round instead of once per partition batch.
/// A round that fails fails every request in it. A request whose token is cancelled stops waiting at once; the round
/// it is in is cancelled only when every request in it is (<see cref="WhenAllCancelled"/>): other partitions still need it.
/// </summary>
public sealed class RoundCoalescer<TRequest, TResult>(
    Func<IReadOnlyList<TRequest>, CancellationToken, Task<TResult[]>> round, TimeSpan minInterval)
{
    private readonly object _lock = new();
    private List<Pending> _queue = [];
    private bool _running;
    private long _lastStart;

    /// <summary>Completes with this request's result once the round that takes it is done.</summary>
    public Task<TResult> Submit(TRequest request, CancellationToken cancellation = default)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellation);
        bool start;
        lock (_lock)
        {
            _queue.Add(pending);
            start = !_running;
            _running = true;
        }
        if (start) _ = Task.Run(RunRoundsAsync);
        return pending.Done.Task.WaitAsync(cancellation);
    }

    private async Task RunRoundsAsync()
    {
        while (true)
        {
            // Timers round to milliseconds and may fire a little early against the stopwatch: wait until it agrees.
            TimeSpan wait;
            while (_lastStart != 0 && (wait = minInterval - Stopwatch.GetElapsedTime(_lastStart)) > TimeSpan.Zero)
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds))).ConfigureAwait(false);
            List<Pending> taken;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    return;
                }
                taken = _queue;
                _queue = [];
            }
            _lastStart = Stopwatch.GetTimestamp();
            PipelineMetrics.RoundRequests.Observe(taken.Count);
            try
            {
                var requests = new TRequest[taken.Count];
                for (var i = 0; i < taken.Count; i++) requests[i] = taken[i].Request;
                using var cancellation = new WhenAllCancelled(taken.Select(p => p.Cancellation));
                var results = await round(requests, cancellation.Token).ConfigureAwait(false);
                for (var i = 0; i < taken.Count; i++) taken[i].Done.TrySetResult(results[i]);
            }
            catch (Exception ex)
            {
                foreach (var p in taken) p.Done.TrySetException(ex);
            }
        }
    }

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Done, CancellationToken Cancellation);
}
