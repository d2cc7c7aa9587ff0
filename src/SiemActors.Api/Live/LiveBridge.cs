using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Microsoft.AspNetCore.SignalR;
using SiemActors.Domain.Filtering;
using SiemActors.Domain.Serialization;
using SiemActors.Sinks.Redis;
using static SiemActors.Api.Live.BridgeMessages;

namespace SiemActors.Api.Live;

/// <summary>
/// The bridge between the Redis live streams and the hub's connections, one per api node. It owns the subscriptions
/// (their compiled filters and counters), evaluates every entry the <see cref="RedisStreamTail"/> reads against each
/// subscription, and hands matches to the connection's <see cref="ConnectionOutbox"/>. Every <c>stats-interval</c> it
/// posts each connection its subscriptions' counts. An entry is parsed once however many subscriptions test it, and not
/// at all while nobody is subscribed.
/// </summary>
public sealed class LiveBridge : ReceiveActor, IWithTimers
{
    private readonly Dictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);
    private readonly IHubContext<EventsHub, IEventsClient> _hub;
    private readonly LiveSettings _settings;
    private readonly RedisSinkSettings _redis;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stop = new();
    private long _entriesRead;
    private long _entriesUnreadable;
    private long _entriesSkipped;
    private long _entriesAtLastTick;
    private DateTime _lastTick = DateTime.UtcNow;
    private long _nextSubscription;
    private long _activeSince; // Unix ms of the first of the current subscriptions; 0: none. Read by the tail's thread.

    public LiveBridge(IHubContext<EventsHub, IEventsClient> hub, LiveSettings settings, RedisSinkSettings redis)
    {
        _hub = hub;
        _settings = settings;
        _redis = redis;
        Receive<ConnectionOpened>(m => Open(m.ConnectionId));
        Receive<Subscribe>(OnSubscribe);
        Receive<Unsubscribe>(OnUnsubscribe);
        ReceiveAsync<ConnectionClosed>(m => CloseAsync(m.ConnectionId));
        Receive<Entries>(OnEntries);
        ReceiveAsync<PushFailed>(m =>
        {
            _log.Info("Live connection {ConnectionId} dropped: pushing to it failed ({Reason})", m.ConnectionId, m.Cause.Message);
            return CloseAsync(m.ConnectionId);
        });
        Receive<StatsTick>(_ => PostStats());
        Receive<GetCounts>(_ => Sender.Tell(new Counts(_connections.Count, _connections.Values.Sum(c => c.Subscriptions.Count),
            _entriesRead, _entriesUnreadable, _entriesSkipped)));
        Receive<TailStopped>(m => throw new InvalidOperationException("the Redis stream tail stopped", m.Cause));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IHubContext<EventsHub, IEventsClient> hub, LiveSettings settings, RedisSinkSettings redis) =>
        Akka.Actor.Props.Create(() => new LiveBridge(hub, settings, redis));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("stats", StatsTick.Instance, _settings.StatsInterval);
        var self = Self;
        var tail = new RedisStreamTail(_redis, _settings,
            entries => self.Ask<EntriesAck>(new Entries(entries), TimeSpan.FromMinutes(1)), () => Volatile.Read(ref _activeSince), _log);
        var token = _stop.Token;
        Task.Run(() => tail.RunAsync(token), token).ContinueWith(t =>
        {
            if (!token.IsCancellationRequested) self.Tell(new TailStopped(t.Exception?.GetBaseException()));
        }, TaskScheduler.Default);
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        foreach (var connection in _connections.Values) _ = connection.Outbox.DisposeAsync().AsTask();
        _connections.Clear();
        UpdateGauges();
        _stop.Dispose();
    }

    private LiveConnection Open(string connectionId)
    {
        if (_connections.TryGetValue(connectionId, out var connection)) return connection;
        var self = Self;
        connection = new LiveConnection(new ConnectionOutbox(connectionId, _hub, _settings, ex => self.Tell(new PushFailed(connectionId, ex))));
        _connections.Add(connectionId, connection);
        UpdateGauges();
        return connection;
    }

    private void OnSubscribe(Subscribe m)
    {
        var connection = Open(m.ConnectionId);
        if (connection.Subscriptions.Count >= _settings.MaxSubscriptionsPerConnection)
        {
            Sender.Tell(SubscribeResult.Refused($"a connection may hold at most {_settings.MaxSubscriptionsPerConnection} subscriptions"));
            return;
        }
        connection.User = m.User;
        var held = _connections.Values.Where(c => c.User == m.User).Sum(c => c.Subscriptions.Count);
        if (held >= _settings.MaxSubscriptionsPerUser)
        {
            Sender.Tell(SubscribeResult.Refused($"{m.User} holds {held} subscriptions on this node, the most one user may (siem.api.limits.subscriptions-per-user)"));
            return;
        }
        var canonical = FilterPrinter.Print(m.Filter);
        var subscription = new Subscription($"s{++_nextSubscription}", canonical, FilterPredicate.Compile(m.Filter));
        connection.Subscriptions.Add(subscription.Id, subscription);
        UpdateGauges();
        _log.Info("Live subscription {SubscriptionId} of {User} on {ConnectionId}: {Filter}", subscription.Id, m.User, m.ConnectionId, canonical);
        Sender.Tell(SubscribeResult.Ok(subscription.Id, canonical));
    }

    private void OnUnsubscribe(Unsubscribe m)
    {
        if (_connections.TryGetValue(m.ConnectionId, out var connection) && connection.Subscriptions.Remove(m.SubscriptionId, out var subscription))
        {
            connection.Outbox.Remove(subscription);
            UpdateGauges();
            Sender.Tell(true);
        }
        else
        {
            Sender.Tell(false);
        }
    }

    private async Task CloseAsync(string connectionId)
    {
        if (!_connections.Remove(connectionId, out var connection)) return;
        UpdateGauges();
        await connection.Outbox.DisposeAsync();
    }

    private void OnEntries(Entries m)
    {
        _entriesRead += m.Items.Count;
        if (_connections.Count > 0)
        {
            // Entries older than max-delay are skipped: under overload the live view stays current and says what it skipped.
            var oldest = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)_settings.MaxDelay.TotalMilliseconds;
            foreach (var entry in m.Items)
            {
                if (entry.StoredAt < oldest)
                {
                    LiveMetrics.Skipped.Inc();
                    if (_entriesSkipped++ % 100_000 == 0)
                        _log.Warning("Live bridge is more than {MaxDelay} behind the Redis streams; skipping entries ({Skipped} so far)",
                            _settings.MaxDelay, _entriesSkipped);
                    continue;
                }
                Domain.Events.SecurityEvent e;
                try
                {
                    e = EventJsonReader.Read(entry.Json).Event;
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
                {
                    if (_entriesUnreadable++ == 0) _log.Warning("A live stream entry is not an event ({Reason}); such entries are skipped", ex.Message);
                    continue;
                }
                LiveEvent? live = null;
                foreach (var connection in _connections.Values)
                {
                    foreach (var subscription in connection.Subscriptions.Values)
                    {
                        if (!Matches(subscription, e)) continue;
                        subscription.Matched();
                        connection.Outbox.Offer(subscription, live ??= new LiveEvent(entry.StoredAt, new RawJson(entry.Json)));
                    }
                }
            }
        }
        Sender.Tell(EntriesAck.Instance);
    }

    private void UpdateGauges()
    {
        var subscriptions = _connections.Values.Sum(c => c.Subscriptions.Count);
        LiveMetrics.Connections.Set(_connections.Count);
        LiveMetrics.Subscriptions.Set(subscriptions);
        if (subscriptions == 0) Volatile.Write(ref _activeSince, 0);
        else if (Volatile.Read(ref _activeSince) == 0) Volatile.Write(ref _activeSince, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private static bool Matches(Subscription subscription, Domain.Events.SecurityEvent e)
    {
        try
        {
            return subscription.Predicate(e);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return false; // a pathological `matches` pattern: the event does not match, the bridge goes on
        }
    }

    private void PostStats()
    {
        var now = DateTime.UtcNow;
        var seconds = (now - _lastTick).TotalSeconds;
        var rate = seconds > 0 ? (_entriesRead - _entriesAtLastTick) / seconds : 0;
        (_lastTick, _entriesAtLastTick) = (now, _entriesRead);
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var connection in _connections.Values)
        {
            connection.Outbox.PostStats(new LiveStats(at, Math.Round(rate, 1), _entriesSkipped,
                connection.Subscriptions.Values.Select(s => s.Snapshot()).ToList()));
        }
    }

    private sealed record LiveConnection(ConnectionOutbox Outbox)
    {
        public Dictionary<string, Subscription> Subscriptions { get; } = new(StringComparer.Ordinal);

        /// <summary>The connection's user (of its subscriptions), for the per-user limit; null before the first.</summary>
        public string? User { get; set; }
    }
}
