using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Serialization;
using Akka.Configuration;
using StackExchange.Redis;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// The journal: per persistence id a sorted set of events scored by sequence number and a key holding the highest
/// sequence number ever written (so it survives deletes). Each <see cref="AtomicWrite"/> is one Lua script, all of a
/// call's writes are sent at once; an event that cannot be serialized rejects its own write only. Every Redis call is
/// asynchronous. Layout: docs/persistence.md.
/// </summary>
public sealed class RedisJournal : AsyncWriteJournal
{
    private readonly RedisPluginSettings _settings;
    private readonly Serializer _serializer;
    private readonly RedisConnections _connections;

    public RedisJournal(Config config)
    {
        _settings = RedisPluginSettings.Journal(config);
        _serializer = Context.System.Serialization.FindSerializerForType(typeof(Persistent));
        _connections = RedisConnections.Get(Context.System);
    }

    private Task<IDatabase> Database() => _connections.DatabaseAsync(_settings.Client);

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages,
        CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var results = new Exception?[writes.Count];
        var scripts = new List<Task<(IServer Server, RedisResult Result)>>(writes.Count);
        var db = await Database().ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            RedisValue[] args;
            try
            {
                args = Serialize(write);
            }
            catch (Exception ex)
            {
                // Rejected: the actor is told (OnPersistRejected) and the journal carries on with the other writes.
                results[i] = ex;
                continue;
            }
            scripts.Add(LuaScripts.WriteEventsOnOwner.EvaluateAsync(db.Multiplexer,
                [(RedisKey)_settings.JournalKey(write.PersistenceId), (RedisKey)_settings.HighestKey(write.PersistenceId)], args));
        }
        // A Redis failure fails the whole call: every write of it is reported failed and the actors stop. So do too few
        // replica acknowledgements (wait-replicas).
        var ran = await Task.WhenAll(scripts).ConfigureAwait(false);
        await _settings.Wait.OnAsync(ran.Select(r => r.Server)).ConfigureAwait(false);
        return results.ToImmutableList();
    }

    private RedisValue[] Serialize(AtomicWrite write)
    {
        var events = (IImmutableList<IPersistentRepresentation>)write.Payload;
        var args = new RedisValue[1 + events.Count * 2];
        args[0] = write.HighestSequenceNr;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i].Update(events[i].SequenceNr, events[i].PersistenceId, events[i].IsDeleted, ActorRefs.NoSender, events[i].WriterGuid);
            args[1 + i * 2] = e.SequenceNr;
            args[2 + i * 2] = _serializer.ToBinary(e);
        }
        return args;
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr,
        long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        var db = await Database().ConfigureAwait(false);
        var key = _settings.JournalKey(persistenceId);
        var from = fromSequenceNr;
        var remaining = max;
        while (remaining > 0 && from <= toSequenceNr)
        {
            var take = (int)Math.Min(_settings.ReplayPageSize, remaining);
            var page = await db.SortedSetRangeByScoreAsync(key, from, toSequenceNr, Exclude.None, Order.Ascending, 0, take).ConfigureAwait(false);
            foreach (var bytes in page)
            {
                var e = (IPersistentRepresentation)_serializer.FromBinary((byte[])bytes!, typeof(Persistent));
                recoveryCallback(e);
                from = e.SequenceNr + 1;
            }
            remaining -= page.Length;
            if (page.Length < take) break;
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var db = await Database().ConfigureAwait(false);
        var highest = await db.StringGetAsync(_settings.HighestKey(persistenceId)).ConfigureAwait(false);
        return highest.IsNull ? 0 : (long)highest;
    }

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        var db = await Database().ConfigureAwait(false);
        await db.ScriptEvaluateAsync(LuaScripts.DeleteEvents,
            [(RedisKey)_settings.JournalKey(persistenceId), (RedisKey)_settings.HighestKey(persistenceId)],
            [toSequenceNr, (long)_settings.EmptyHighestTtl.TotalSeconds]).ConfigureAwait(false);
    }
}
