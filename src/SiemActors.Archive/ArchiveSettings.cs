using Akka.Configuration;

namespace SiemActors.Archive;

/// <summary>Settings of the cold tier; defaults in the embedded <c>reference.conf</c> (<c>siem.archive</c>).</summary>
public sealed record ArchiveSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Archive.reference.conf", typeof(ArchiveSettings).Assembly));

    private ArchiveSettings(Config section)
    {
        Enabled = section.GetBoolean("enabled");
        Target = section.GetString("target");
        if (Enabled && Target.Length == 0) throw new ConfigurationException("siem.archive.target is empty: give s3://<bucket>/<prefix> or file:///<directory>");
        if (Target.Length > 0) Location = ArchiveLocation.Parse(Target);
        S3Endpoint = section.GetString("s3.endpoint");
        S3Region = section.GetString("s3.region");
        ForcePathStyle = section.GetBoolean("s3.force-path-style");
        CredentialsFile = section.GetString("s3.credentials-file");
        MultipartThreshold = Bytes(section, "s3.multipart-threshold");
        MultipartPartSize = Bytes(section, "s3.multipart-part-size");
        if (MultipartPartSize < 5L << 20) throw new ConfigurationException("siem.archive.s3.multipart-part-size must be at least 5MiB (S3's smallest part)");
        Grace = section.GetTimeSpan("grace");
        if (Grace < TimeSpan.Zero) throw new ConfigurationException("siem.archive.grace must not be negative");
        RetentionDays = section.GetInt("retention-days");
        if (RetentionDays < 0) throw new ConfigurationException("siem.archive.retention-days must not be negative (0: never drop)");
        Interval = section.GetTimeSpan("interval");
        if (Interval <= TimeSpan.Zero) throw new ConfigurationException("siem.archive.interval must be positive");
        RowGroupRows = section.GetInt("row-group-rows");
        PartMaxRows = section.GetInt("part-max-rows");
        if (RowGroupRows < 1 || PartMaxRows < RowGroupRows)
            throw new ConfigurationException("siem.archive.row-group-rows must be at least 1 and part-max-rows at least row-group-rows");
        Compression = section.GetString("compression").ToLowerInvariant() switch
        {
            "zstd" => Parquet.CompressionMethod.Zstd,
            "snappy" => Parquet.CompressionMethod.Snappy,
            var other => throw new ConfigurationException($"siem.archive.compression must be zstd or snappy, not '{other}'"),
        };
        CompressionLevel = section.GetString("compression-level").ToLowerInvariant() switch
        {
            "fastest" => System.IO.Compression.CompressionLevel.Fastest,
            "optimal" => System.IO.Compression.CompressionLevel.Optimal,
            "smallest" => System.IO.Compression.CompressionLevel.SmallestSize,
            var other => throw new ConfigurationException($"siem.archive.compression-level must be fastest, optimal or smallest, not '{other}'"),
        };
        var spill = section.GetString("spill-dir");
        SpillDir = spill.Length == 0 ? Path.GetTempPath() : spill;
        Role = section.GetString("role");
        SearchConcurrency = section.GetInt("search-concurrency");
        if (SearchConcurrency < 1) throw new ConfigurationException("siem.archive.search-concurrency must be at least 1");
    }

    /// <summary>From a config holding <c>siem.archive</c>; missing keys take the defaults.</summary>
    public static ArchiveSettings Create(Config config) => new(config.WithFallback(Reference.Value).GetConfig("siem.archive"));

    public bool Enabled { get; init; }

    public string Target { get; init; }

    /// <summary>The parsed <see cref="Target"/>; null when none is set.</summary>
    public ArchiveLocation? Location { get; init; }

    public string S3Endpoint { get; init; }

    public string S3Region { get; init; }

    public bool ForcePathStyle { get; init; }

    public string CredentialsFile { get; init; }

    public long MultipartThreshold { get; init; }

    public long MultipartPartSize { get; init; }

    public TimeSpan Grace { get; init; }

    public int RetentionDays { get; init; }

    public TimeSpan Interval { get; init; }

    public int RowGroupRows { get; init; }

    public int PartMaxRows { get; init; }

    public Parquet.CompressionMethod Compression { get; init; }

    public System.IO.Compression.CompressionLevel CompressionLevel { get; init; }

    public string SpillDir { get; init; }

    /// <summary>History searches that read the archive at once, per node.</summary>
    public int SearchConcurrency { get; init; }

    /// <summary>The cluster role whose oldest node runs the singleton.</summary>
    public string Role { get; init; }

    /// <summary>Whether day <paramref name="day"/> is closed at <paramref name="now"/>: its end plus the grace has passed.</summary>
    public bool IsClosed(DateOnly day, DateTimeOffset now) => DayEnd(day) + Grace <= now;

    /// <summary>The newest day ClickHouse keeps no longer at <paramref name="now"/> (null: retention off).</summary>
    public DateOnly? LastExpiredDay(DateTimeOffset now) =>
        RetentionDays == 0 ? null : DateOnly.FromDateTime(now.UtcDateTime).AddDays(-RetentionDays - 1);

    public static DateTimeOffset DayEnd(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static long Bytes(Config section, string path) =>
        section.GetByteSize(path) ?? throw new ConfigurationException($"siem.archive.{path} is not a size");
}
