using Akka.Event;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// How a table is created: on one server, the table itself; on a cluster (<see cref="ClickHouseSinkSettings.IsCluster"/>),
/// on every replica a <c>&lt;table&gt;_local</c> with the replicated form of the engine — ZooKeeper path
/// <c>/clickhouse/tables/{shard}/&lt;database&gt;/&lt;table&gt;</c>, replica <c>{replica}</c>, from the servers' macros — and a
/// <c>Distributed</c> table of the plain name over the cluster's shards, for reads. Replicated inserts keep ClickHouse's
/// block deduplication: an identical block inserted again into a shard is dropped by the server.
/// </summary>
public static class ClusterTables
{
    /// <param name="s">The sink's settings.</param>
    /// <param name="table">The database-qualified name readers use.</param>
    /// <param name="columns">The column list, in parentheses.</param>
    /// <param name="engine">The engine's name (<c>ReplacingMergeTree</c>).</param>
    /// <param name="engineArguments">Its arguments (a version column, or empty).</param>
    /// <param name="clauses">PARTITION BY and ORDER BY.</param>
    public static IEnumerable<string> Create(ClickHouseSinkSettings s, string table, string columns, string engine, string engineArguments, string clauses)
    {
        if (!s.IsCluster)
        {
            yield return $"CREATE TABLE IF NOT EXISTS {table} {columns} ENGINE = {engine}({engineArguments}) {clauses}";
            yield break;
        }
        var path = $"'/clickhouse/tables/{{shard}}/{table.Replace('.', '/')}', '{{replica}}'";
        var arguments = engineArguments.Length == 0 ? path : path + ", " + engineArguments;
        var local = s.Local(table);
        yield return $"CREATE TABLE IF NOT EXISTS {local} {columns} ENGINE = Replicated{engine}({arguments}) {clauses}";
        var dot = local.IndexOf('.');
        yield return $"CREATE TABLE IF NOT EXISTS {table} AS {local} ENGINE = Distributed({s.ClusterName}, {local[..dot]}, {local[(dot + 1)..]})";
    }

    /// <summary>
    /// Runs the statements on every server that holds the tables, in order: on one server, retried for as long as it is
    /// down. On a cluster, each replica gets <see cref="ReplicaPatience"/>; one that does not answer is skipped with a
    /// warning (it has its tables from an earlier start, or gets them at the next node's start), as long as every shard
    /// has a replica that answered — otherwise the whole round is tried again: a node starts while a replica is down.
    /// </summary>
    public static async Task EnsureAsync(ClickHouseHttpClient client, IEnumerable<string> statements, CancellationToken ct)
    {
        var list = statements.ToList();
        if (!client.IsCluster)
        {
            foreach (var statement in list) await client.QueryAsync(statement, ct).ConfigureAwait(false);
            return;
        }
        for (var round = 1; ; round++)
        {
            var shardsDone = new bool[client.ShardCount];
            var servers = client.EveryServer();
            foreach (var server in servers)
            {
                using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
                patience.CancelAfter(ReplicaPatience);
                try
                {
                    foreach (var statement in list) await server.QueryAsync(statement, patience.Token).ConfigureAwait(false);
                    shardsDone[client.ShardOfReplica(server.Current)] = true;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    client.Log.Warning("ClickHouse replica {0} did not answer within {1} while its tables were created; skipped", server.Current, ReplicaPatience);
                }
                finally
                {
                    server.Dispose();
                }
            }
            if (shardsDone.All(done => done)) return;
            client.Log.Error("ClickHouse: no replica of shard(s) {0} answered (round {1}); the node waits for one to create its tables",
                string.Join(",", shardsDone.Select((done, i) => (done, i + 1)).Where(x => !x.done).Select(x => x.Item2)), round);
        }
    }

    /// <summary>How long one replica may take to answer the schema's statements before it is skipped.</summary>
    public static readonly TimeSpan ReplicaPatience = TimeSpan.FromSeconds(15);
}
