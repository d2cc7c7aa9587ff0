using Microsoft.AspNetCore.SignalR;

namespace SiemActors.Api.Live;

/// <summary>
/// What waits to be pushed to one hub connection: a bounded buffer that drops its oldest event when full (counted on
/// that event's subscription), drained by the connection's own pump task at most <c>max-events-per-second</c>, in
/// messages of up to <c>push-batch</c> events per subscription. The pump sleeps until something is offered, pushes at
/// once, then waits <c>push-interval</c> before the next push, so a quiet stream's event goes out without delay and a
/// busy one in messages at most every interval. A browser that reads slowly only ever slows its own pump: the bridge
/// actor never waits for it.
/// </summary>
internal sealed class ConnectionOutbox : IAsyncDisposable
{
    private readonly Queue<(Subscription Subscription, LiveEvent Event)> _buffer = new();
    private readonly Lock _lock = new();
    private readonly string _connectionId;
    private readonly IHubContext<EventsHub, IEventsClient> _hub;
    private readonly LiveSettings _settings;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly SemaphoreSlim _ready = new(0, 1);
    private LiveStats? _pendingStats;

    public ConnectionOutbox(string connectionId, IHubContext<EventsHub, IEventsClient> hub, LiveSettings settings, Action<Exception> onPushFailure)
    {
        _connectionId = connectionId;
        _hub = hub;
        _settings = settings;
        _pump = Task.Run(() => PumpAsync(onPushFailure));
    }

    /// <summary>Queues an event for the connection; when the buffer is full the oldest queued event is dropped.</summary>
    public void Offer(Subscription subscription, LiveEvent liveEvent)
    {
        lock (_lock)
        {
            if (_buffer.Count >= _settings.BufferPerConnection) _buffer.Dequeue().Subscription.Dropped();
            _buffer.Enqueue((subscription, liveEvent));
            if (_buffer.Count == 1) Wake();
        }
    }

    /// <summary>Replaces the stats waiting to be pushed (an unsent older snapshot is superseded, not queued).</summary>
    public void PostStats(LiveStats stats)
    {
        Volatile.Write(ref _pendingStats, stats);
        Wake();
    }

    /// <summary>Lets the pump run (once, however often it is called before the pump gets to it).</summary>
    private void Wake()
    {
        try
        {
            if (_ready.CurrentCount == 0) _ready.Release();
        }
        catch (SemaphoreFullException)
        {
            // woken already
        }
        catch (ObjectDisposedException)
        {
            // the connection has closed: nothing left to push
        }
    }

    /// <summary>Forgets the queued events of a subscription that ended.</summary>
    public void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            var kept = _buffer.Where(x => x.Subscription != subscription).ToList();
            _buffer.Clear();
            foreach (var item in kept) _buffer.Enqueue(item);
        }
    }

    private async Task PumpAsync(Action<Exception> onPushFailure)
    {
        var client = _hub.Clients.Client(_connectionId);
        var rate = _settings.MaxEventsPerSecond;
        double budget = Math.Min(rate, _settings.PushBatch);
        var last = DateTime.UtcNow;
        try
        {
            while (true)
            {
                // Sleep until something is waiting (events left over by the rate cap count: no wait for them).
                if (Pending == 0 && Volatile.Read(ref _pendingStats) is null) await _ready.WaitAsync(_stop.Token).ConfigureAwait(false);
                var now = DateTime.UtcNow;
                budget = Math.Min(rate, budget + rate * (now - last).TotalSeconds);
                last = now;
                var batch = Take((int)budget);
                budget -= batch.Count;
                foreach (var group in batch.GroupBy(x => x.Subscription))
                {
                    foreach (var chunk in group.Select(x => x.Event).Chunk(_settings.PushBatch))
                    {
                        await client.Events(group.Key.Id, chunk).WaitAsync(_stop.Token).ConfigureAwait(false);
                        group.Key.Delivered(chunk.Length);
                    }
                }
                if (Interlocked.Exchange(ref _pendingStats, null) is { } stats)
                    await client.Stats(stats).WaitAsync(_stop.Token).ConfigureAwait(false);
                // At most one push per interval: what arrives meanwhile goes in the next message.
                await Task.Delay(_settings.PushInterval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            onPushFailure(ex);
        }
    }

    private int Pending
    {
        get
        {
            lock (_lock) return _buffer.Count;
        }
    }

    private List<(Subscription Subscription, LiveEvent Event)> Take(int max)
    {
        lock (_lock)
        {
            var count = Math.Min(max, _buffer.Count);
            var taken = new List<(Subscription, LiveEvent)>(count);
            for (var i = 0; i < count; i++) taken.Add(_buffer.Dequeue());
            return taken;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _ready.Dispose();
    }
}
