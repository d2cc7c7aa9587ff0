using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// A Lua script run on the server that owns its keys' slot, chosen before it is sent and named in the answer, so that a
/// <c>WAIT</c> after it (<see cref="ReplicaWait"/>) goes to the very server that ran it. The client's own routing
/// would follow a <c>MOVED</c> to another server without saying so during a failover, and a <c>WAIT</c> sent where the
/// client then believes the slot is could succeed for writes it did not cover. Here a <c>MOVED</c> or <c>ASK</c> is an
/// error (retried by the caller) after the client re-reads the cluster's layout. Sent as <c>EVALSHA</c>; a server that
/// does not know the script yet (restarted, promoted) is given it with <c>SCRIPT LOAD</c>.
/// </summary>
public sealed class SlotOwnerScript(string text)
{
    private readonly string _sha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    public async Task<(IServer Server, RedisResult Result)> EvaluateAsync(IConnectionMultiplexer redis, RedisKey[] keys, RedisValue[] args)
    {
        IServer server;
        try
        {
            server = redis.GetServer(keys[0]);
        }
        catch (InvalidOperationException ex) // no connection to the slot's owner (Redis down, a failover under way)
        {
            throw new SlotOwnerUnreachableException(ex.Message, ex);
        }
        var command = new object[2 + keys.Length + args.Length];
        command[0] = _sha;
        command[1] = keys.Length;
        for (var i = 0; i < keys.Length; i++) command[2 + i] = keys[i];
        for (var i = 0; i < args.Length; i++) command[2 + keys.Length + i] = args[i];
        try
        {
            return (server, await Run(server, command).ConfigureAwait(false));
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("MOVED", StringComparison.Ordinal) || ex.Message.StartsWith("ASK", StringComparison.Ordinal))
        {
            await redis.ConfigureAsync().ConfigureAwait(false); // the layout changed: read it again before the retry
            throw;
        }
    }

    private async Task<RedisResult> Run(IServer server, object[] command)
    {
        try
        {
            return await server.ExecuteAsync("EVALSHA", command).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            await server.ScriptLoadAsync(text).ConfigureAwait(false);
            return await server.ExecuteAsync("EVALSHA", command).ConfigureAwait(false);
        }
    }
}

/// <summary>No connection to the server that owns a key's slot (Redis down, a failover under way): retry later.</summary>
public sealed class SlotOwnerUnreachableException(string message, Exception inner) : RedisException(message, inner);
