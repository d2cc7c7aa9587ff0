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
        Password = section.GetString("password");
        Compress = section.GetBoolean("compress");
        RequestTimeout = section.GetTimeSpan("request-timeout");
        RetryMinBackoff = section.GetTimeSpan("retry-min-backoff");
        RetryMaxBackoff = section.GetTimeSpan("retry-max-backoff");
        InsertMaxRows = section.GetInt("insert-max-rows");
        if (InsertMaxRows < 1) throw new ConfigurationException($"siem.sinks.clickhouse.insert-max-rows must be at least 1, not {InsertMaxRows}");
        InsertMaxDays = section.GetInt("insert-max-days");
        if (InsertMaxDays < 1) throw new ConfigurationException($"siem.sinks.clickhouse.insert-max-days must be at least 1, not {InsertMaxDays}");
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

    public string User { get; init; }

    public string Password { get; init; }

    public bool Compress { get; init; }

    public TimeSpan RequestTimeout { get; init; }

    public TimeSpan RetryMinBackoff { get; init; }

    public TimeSpan RetryMaxBackoff { get; init; }

    /// <summary>Partition batches waiting while an insert runs are joined into one insert of up to this many rows.</summary>
    public int InsertMaxRows { get; init; }

    /// <summary>The most event days (day partitions) one insert touches.</summary>
    public int InsertMaxDays { get; init; }

    /// <summary><c>database.table</c> of the events.</summary>
    public string EventsTable => $"{Database}.{Table}";

    /// <summary><c>database.table_ledger</c>: the per-partition batch ledger.</summary>
    public string LedgerTable => $"{Database}.{Table}_ledger";

    public ClickHouseSinkSettings WithDatabase(string database) => this with { Database = Identifier(database, "database") };

    /// <summary>Names go into SQL unquoted, so only plain identifiers are accepted.</summary>
    private static string Identifier(string name, string what)
    {
        if (name.Length == 0 || name.Length > 64 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ConfigurationException($"siem.sinks.clickhouse.{what} '{name}' is not a plain identifier (letters, digits, _)");
        return name;
    }
}
