using Akka.Configuration;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>Settings of the ClickHouse sink; defaults in the embedded <c>reference.conf</c> (<c>siem.sinks.clickhouse</c>).</summary>
public sealed record ClickHouseSinkSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Sinks.ClickHouse.reference.conf", typeof(ClickHouseSinkSettings).Assembly));

    private ClickHouseSinkSettings(Config section)
    {
        Url = new Uri(section.GetString("url"));
        Database = Identifier(section.GetString("database"), "database");
        Table = Identifier(section.GetString("table"), "table");
        AlertsTableName = Identifier(section.GetString("alerts-table"), "alerts-table");
        User = section.GetString("user");
        var secret = Security.Secrets.Read(section, "password", "siem.sinks.clickhouse");
        Password = secret.Length > 0 ? secret : section.GetString("password");
        var https = Url.Scheme == Uri.UriSchemeHttps;
        Tls = Security.TlsClientSettings.FromConfig(section, "siem.sinks.clickhouse", enabledByDefault: https);
        if (Tls.Enabled != https)
            throw new ConfigurationException(https
                ? "siem.sinks.clickhouse.tls.enabled is off but url is https://: TLS follows the URL's scheme"
                : $"siem.sinks.clickhouse.tls.enabled is on but url is {Url}: use https:// (ClickHouse's https_port, 8443 by default)");
        Compress = section.GetBoolean("compress");
        RequestTimeout = section.GetTimeSpan("request-timeout");
        RetryMinBackoff = section.GetTimeSpan("retry-min-backoff");
        RetryMaxBackoff = section.GetTimeSpan("retry-max-backoff");
        InsertMaxRows = section.GetInt("insert-max-rows");
        if (InsertMaxRows < 1) throw new ConfigurationException($"siem.sinks.clickhouse.insert-max-rows must be at least 1, not {InsertMaxRows}");
        InsertMaxDays = section.GetInt("insert-max-days");
        if (InsertMaxDays < 1) throw new ConfigurationException($"siem.sinks.clickhouse.insert-max-days must be at least 1, not {InsertMaxDays}");
        InsertQuorum = section.GetInt("insert-quorum");
        if (InsertQuorum < 0) throw new ConfigurationException($"siem.sinks.clickhouse.insert-quorum must not be negative, not {InsertQuorum}");
        var cluster = section.GetString("cluster.name");
        ClusterName = cluster.Length == 0 ? "" : Identifier(cluster, "cluster.name");
        var shards = section.GetStringList("cluster.shards") ?? [];
        Shards = shards.Select((replicas, i) => (IReadOnlyList<Uri>)replicas.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri
                : throw new ConfigurationException($"siem.sinks.clickhouse.cluster.shards[{i}]: '{u}' is not a URL")).ToList()).ToList();
        if (ClusterName.Length > 0 && (Shards.Count == 0 || Shards.Any(r => r.Count == 0)))
            throw new ConfigurationException("siem.sinks.clickhouse.cluster.shards must list every shard's replicas (\"http://a:8123,http://b:8123\") when cluster.name is set");
        if (ClusterName.Length == 0 && Shards.Count > 0)
            throw new ConfigurationException("siem.sinks.clickhouse.cluster.name is empty but cluster.shards is set: name the remote_servers cluster");
    }

    /// <summary>From a config holding <c>siem.sinks.clickhouse</c>; missing keys take the defaults.</summary>
    public static ClickHouseSinkSettings Create(Config config) =>
        new(config.WithFallback(Reference.Value).GetConfig("siem.sinks.clickhouse"));

    public Uri Url { get; init; }

    public string Database { get; init; }

    public string Table { get; init; }

    public string AlertsTableName { get; init; }

    /// <summary>The detection alerts' table, database-qualified.</summary>
    public string AlertsTable => $"{Database}.{AlertsTableName}";

    /// <summary>The ranges of records the pipeline never read (<see cref="IngestGapsSchema"/>), database-qualified.</summary>
    public string GapsTable => $"{Database}.ingest_gaps";

    /// <summary>The audit trail (<see cref="AuditSchema"/>), database-qualified.</summary>
    public string AuditTable => $"{Database}.audit";

    /// <summary>The alerts' triage changes (<see cref="AlertChangesSchema"/>), database-qualified.</summary>
    public string AlertChangesTable => $"{Database}.alert_changes";

    public string User { get; init; }

    public string Password { get; init; }

    /// <summary>TLS to ClickHouse: on with an <c>https://</c> URL, with the CA and client certificate of the <c>tls</c> block.</summary>
    public Security.TlsClientSettings Tls { get; init; }

    /// <summary>HTTP basic auth for <see cref="User"/> and <see cref="Password"/>; null for ClickHouse's default user.</summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue? Authorization() => User.Length == 0 ? null
        : new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}")));

    /// <summary>
    /// The HTTP handler every client of this ClickHouse uses (the sink, history, the archive, the readiness check):
    /// connections renewed every few minutes (DNS changes, balancers), the server's certificate checked against the
    /// <c>tls</c> block's CA, its client certificate shown.
    /// </summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (Tls.Enabled)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Tls.Callback;
            if (Tls.ServerName.Length > 0) handler.SslOptions.TargetHost = Tls.ServerName;
            if (Tls.ClientCertificate("siem.sinks.clickhouse.tls") is { } certificate) handler.SslOptions.ClientCertificates = [certificate];
        }
        return handler;
    }

    public bool Compress { get; init; }

    public TimeSpan RequestTimeout { get; init; }

    public TimeSpan RetryMinBackoff { get; init; }

    public TimeSpan RetryMaxBackoff { get; init; }

    /// <summary>Partition batches waiting while an insert runs are joined into one insert of up to this many rows.</summary>
    public int InsertMaxRows { get; init; }

    /// <summary>The most event days (day partitions) one insert touches.</summary>
    public int InsertMaxDays { get; init; }

    /// <summary>Replicas that must have an insert before it counts (ClickHouse's <c>insert_quorum</c>); 0: none asked.</summary>
    public int InsertQuorum { get; init; }

    /// <summary>The <c>remote_servers</c> cluster of the <c>Distributed</c> tables; empty: one server (<see cref="Url"/>).</summary>
    public string ClusterName { get; init; }

    /// <summary>Per shard, its replicas' HTTP URLs (cluster only).</summary>
    public IReadOnlyList<IReadOnlyList<Uri>> Shards { get; init; }

    public bool IsCluster => ClusterName.Length > 0;

    /// <summary>The shard a Kafka partition's batches, ledger rows and gaps go to: partition mod shards. Stable while the shard count is.</summary>
    public int ShardOf(int partition) => IsCluster ? partition % Shards.Count : 0;

    /// <summary>The shard of a row keyed by text (an alert by its id): FNV-1a of the UTF-8 bytes mod shards.</summary>
    public int ShardOf(string key)
    {
        if (!IsCluster) return 0;
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key)) hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)Shards.Count);
    }

    /// <summary><c>database.table</c> of the events: the table itself on one server, the <c>Distributed</c> table of a cluster (reads).</summary>
    public string EventsTable => $"{Database}.{Table}";

    /// <summary><c>database.table_ledger</c>: the per-partition batch ledger (the <c>Distributed</c> one on a cluster).</summary>
    public string LedgerTable => $"{Database}.{Table}_ledger";

    /// <summary>Where a table's rows are written and the ledger read: itself on one server, its <c>_local</c> table on a cluster's shard.</summary>
    public string Local(string table) => IsCluster ? table + "_local" : table;

    public ClickHouseSinkSettings WithDatabase(string database) => this with { Database = Identifier(database, "database") };

    /// <summary>Names go into SQL unquoted, so only plain identifiers are accepted.</summary>
    private static string Identifier(string name, string what)
    {
        if (name.Length == 0 || name.Length > 64 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ConfigurationException($"siem.sinks.clickhouse.{what} '{name}' is not a plain identifier (letters, digits, _)");
        return name;
    }

    /// <summary>Never shows the password.</summary>
    public override string ToString() =>
        $"ClickHouseSinkSettings {{ Url = {Url}, Database = {Database}, Table = {Table}, User = {User}, Password = {(Password.Length > 0 ? "***" : "(none)")}, {Tls}, Cluster = {ClusterName} }}";
}
