using System.Net.Http.Headers;
using System.Text;
using Akka.Event;
using Polly;
using SiemActors.Resilience;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// ClickHouse's HTTP interface: queries with text results and inserts with a body. Transient failures (connection
/// refused, timeouts, overload) are retried (<see cref="Retries"/>: exponential backoff with jitter, target
/// <c>clickhouse</c>) until they succeed or the caller cancels; other errors throw <see cref="ClickHouseServerException"/>.
/// A client of several replicas (one shard of a cluster: <see cref="ForShard"/>) sends every call to one of them and
/// moves to the next after a transient failure, so the shard's surviving replicas take over from one that is down.
/// </summary>
public sealed class ClickHouseHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ClickHouseSinkSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly ResiliencePipeline _retries;
    private readonly IReadOnlyList<Uri> _replicas;
    private readonly ClickHouseHttpClient[] _shards;
    private int _current;

    /// <summary>A client of <see cref="ClickHouseSinkSettings.Url"/> (queries and, on one server, writes); on a cluster, with a client per shard.</summary>
    public ClickHouseHttpClient(ClickHouseSinkSettings settings, ILoggingAdapter log) : this(settings, log, [settings.Url])
    {
        _shards = settings.IsCluster ? settings.Shards.Select(replicas => new ClickHouseHttpClient(settings, log, replicas)).ToArray() : [this];
    }

    private ClickHouseHttpClient(ClickHouseSinkSettings settings, ILoggingAdapter log, IReadOnlyList<Uri> replicas)
    {
        _settings = settings;
        _log = log;
        _replicas = replicas;
        _shards = [];
        _retries = Retries.Forever("clickhouse", new RetrySettings(settings.RetryMinBackoff, settings.RetryMaxBackoff), IsTransient,
            retry => _log.Warning("ClickHouse call to {0} failed (attempt {1}), retrying in {2}: {3} — {4}", Current, retry.Attempt, retry.Wait,
                retry.Failure.Message, retry.What));
        _http = new HttpClient(settings.CreateHandler())
        {
            Timeout = settings.RequestTimeout,
        };
        _http.DefaultRequestHeaders.Authorization = settings.Authorization();
    }

    /// <summary>The shards this client writes to: itself on one server; on a cluster, one client per shard over its replicas.</summary>
    public int ShardCount => _shards.Length;

    /// <summary>The client of shard <paramref name="shard"/> (<see cref="ClickHouseSinkSettings.ShardOf(int)"/>).</summary>
    public ClickHouseHttpClient ForShard(int shard) => _shards[shard];

    /// <summary>A client per server to create tables on (dispose each): every replica of every shard of a cluster, or this one's server.</summary>
    public IReadOnlyList<ClickHouseHttpClient> EveryServer() => _settings.IsCluster
        ? _settings.Shards.SelectMany(r => r).Select(url => new ClickHouseHttpClient(_settings, _log, [url])).ToList()
        : [new ClickHouseHttpClient(_settings, _log, [_settings.Url])];

    /// <summary>The shard a replica URL belongs to (cluster only).</summary>
    public int ShardOfReplica(Uri replica) => _settings.Shards.Select((r, i) => (r, i)).First(x => x.r.Contains(replica)).i;

    internal ILoggingAdapter Log => _log;

    internal bool IsCluster => _settings.IsCluster;

    /// <summary>The replica calls go to now.</summary>
    public Uri Current => _replicas[Volatile.Read(ref _current) % _replicas.Count];

    /// <summary>Runs a statement; returns what ClickHouse answered (use a <c>FORMAT</c> clause for the shape).</summary>
    public Task<string> QueryAsync(string sql, CancellationToken cancellation = default) =>
        WithRetry(sql, async ct =>
        {
            using var content = new StringContent(sql, Encoding.UTF8);
            return await PostAsync("/", content, ct).ConfigureAwait(false);
        }, cancellation);

    /// <summary>
    /// Runs a query and hands the body of its answer, as it arrives, to <paramref name="read"/>: for answers too large to
    /// hold (the archive's export). One attempt, the caller retries. <c>wait_end_of_query=1</c> makes the server finish
    /// the query before it sends a byte, so an error is an HTTP error and never the tail of a body already half read.
    /// </summary>
    public async Task ReadAsync(string sql, Func<Stream, CancellationToken, Task> read, CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Current, "/?wait_end_of_query=1")) { Content = new StringContent(sql, Encoding.UTF8) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw ClickHouseServerException.From((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        await using var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        await read(body, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Posts to the current replica and returns its answer's text. A transient failure — the replica unreachable or slow,
    /// or an error it answered that passes by itself (its table read-only while it lost ZooKeeper, overloaded) — moves
    /// the client to the next replica for the next call, then propagates.
    /// </summary>
    private async Task<string> PostAsync(string pathAndQuery, HttpContent content, CancellationToken ct)
    {
        var replica = Volatile.Read(ref _current);
        try
        {
            using var response = await _http.PostAsync(new Uri(_replicas[replica % _replicas.Count], pathAndQuery), content, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? text : throw ClickHouseServerException.From((int)response.StatusCode, text);
        }
        catch (Exception ex) when (IsTransient(ex) && !ct.IsCancellationRequested)
        {
            Next(replica);
            throw;
        }
    }

    private void Next(int failed)
    {
        if (_replicas.Count < 2) return;
        if (Interlocked.CompareExchange(ref _current, failed + 1, failed) == failed)
            _log.Warning("ClickHouse replica {0} failed; calls go to {1} now", _replicas[failed % _replicas.Count], Current);
    }

    /// <summary>Runs <paramref name="insert"/> (an <c>INSERT … FORMAT …</c>) with <paramref name="body"/> as its data.</summary>
    public Task InsertAsync(string insert, ReadOnlyMemory<byte> body, CancellationToken cancellation = default) =>
        WithRetry(insert, ct => InsertOnceAsync(insert, body, ct), cancellation);

    /// <summary>
    /// One attempt at the insert: a transient failure (<see cref="IsTransient"/>) is the caller's to retry — the event
    /// writer does, after reading the ledger again, so that rows another node stored meanwhile are not written twice.
    /// </summary>
    public async Task<string> InsertOnceAsync(string insert, ReadOnlyMemory<byte> body, CancellationToken cancellation = default)
    {
        using HttpContent content = _settings.Compress ? new GzipContent(body) : new ReadOnlyMemoryContent(body);
        var quorum = _settings.InsertQuorum > 0 ? "&insert_quorum=" + _settings.InsertQuorum : "";
        return await PostAsync("/?query=" + Uri.EscapeDataString(insert) + quorum, content, cancellation).ConfigureAwait(false);
    }

    private Task<string> WithRetry(string what, Func<CancellationToken, Task<string>> call, CancellationToken cancellation) =>
        _retries.ExecuteAsync(Short(what), call, cancellation);

    /// <summary>A failure that passes by itself: the server unreachable, slow or overloaded.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        HttpRequestException => true,
        TaskCanceledException => true, // the request timeout; the caller's own cancellation is excluded by the filter
        IOException => true,
        ClickHouseServerException server => server.IsTransient,
        _ => false,
    };

    private static string Short(string sql) => sql.Length <= 120 ? sql : sql[..120] + "…";

    public void Dispose()
    {
        _http.Dispose();
        foreach (var shard in _shards.Where(s => !ReferenceEquals(s, this))) shard.Dispose();
    }
}
