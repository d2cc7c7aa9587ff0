using System.Collections.Concurrent;
using Akka.Actor;
using StackExchange.Redis;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// One multiplexer per connection (string, user and TLS) per actor system, shared by the journal and the snapshot store and connected
/// asynchronously on first use. A failed connect is not cached: the next call tries again.
/// </summary>
public sealed class RedisConnections : IExtension, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _connections = new(StringComparer.Ordinal);

    public static RedisConnections Get(ActorSystem system) => system.WithExtension<RedisConnections, RedisConnectionsProvider>();

    public async Task<IDatabase> DatabaseAsync(RedisClientSettings client)
    {
        var connection = client.Key;
        var lazy = _connections.GetOrAdd(connection, _ => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(client)));
        try
        {
            return (await lazy.Value.ConfigureAwait(false)).GetDatabase();
        }
        catch
        {
            _connections.TryRemove(new KeyValuePair<string, Lazy<Task<ConnectionMultiplexer>>>(connection, lazy));
            throw;
        }
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(RedisClientSettings client)
    {
        var options = client.Options();
        // Keep retrying in the background after a lost connection; calls fail fast meanwhile and the plugin reports it.
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    public void Dispose()
    {
        foreach (var lazy in _connections.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
        }
        _connections.Clear();
    }
}

/// <summary>Creates <see cref="RedisConnections"/> once per actor system; disposes it when the system terminates.</summary>
public sealed class RedisConnectionsProvider : ExtensionIdProvider<RedisConnections>
{
    public override RedisConnections CreateExtension(ExtendedActorSystem system)
    {
        var connections = new RedisConnections();
        system.RegisterOnTermination(connections.Dispose);
        return connections;
    }
}
