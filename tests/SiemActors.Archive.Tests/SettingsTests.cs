using Akka.Configuration;
using Xunit;

namespace SiemActors.Archive.Tests;

/// <summary>The archive's settings and credentials: what a wrong one says, and that secrets come only from the environment or a file.</summary>
public sealed class SettingsTests
{
    private static ArchiveSettings Parse(string hocon) => ArchiveSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Theory]
    [InlineData("enabled = true", "siem.archive.target is empty")]
    [InlineData("target = \"http://bucket/x\"", "must start with s3:// or file://")]
    [InlineData("target = \"s3://Bad_Bucket/x\"", "is not an S3 bucket name")]
    [InlineData("target = \"file://relative/dir\"", "absolute directory")]
    [InlineData("compression = lz4", "must be zstd or snappy")]
    [InlineData("compression-level = max", "fastest, optimal or smallest")]
    [InlineData("row-group-rows = 10, part-max-rows = 5", "part-max-rows at least row-group-rows")]
    [InlineData("s3.multipart-part-size = 1MiB", "at least 5MiB")]
    [InlineData("retention-days = -1", "must not be negative")]
    [InlineData("search-concurrency = 0", "search-concurrency must be at least 1")]
    public void A_wrong_setting_names_itself(string hocon, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Parse($"siem.archive {{ {hocon} }}"));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Targets_parse_into_bucket_and_prefix_or_a_directory()
    {
        Assert.Equal(new ArchiveLocation(true, "siem-archive", "prod/eu", ""), ArchiveLocation.Parse("s3://siem-archive/prod/eu/"));
        Assert.Equal(new ArchiveLocation(true, "siem-archive", "", ""), ArchiveLocation.Parse("s3://siem-archive"));
        Assert.Equal(new ArchiveLocation(false, "", "", "/var/lib/a b"), ArchiveLocation.Parse("file:///var/lib/a%20b"));
    }

    [Fact]
    public void Days_close_after_the_grace_and_expire_after_the_retention()
    {
        var s = Parse("siem.archive { grace = 1h, retention-days = 30 }");
        var now = new DateTimeOffset(2026, 11, 30, 0, 30, 0, TimeSpan.Zero);
        Assert.False(s.IsClosed(new DateOnly(2026, 11, 29), now)); // ended 30 minutes ago
        Assert.True(s.IsClosed(new DateOnly(2026, 11, 28), now));
        Assert.Equal(new DateOnly(2026, 10, 30), s.LastExpiredDay(now)); // ClickHouse keeps 2026-10-31 .. 2026-11-30
        Assert.Null(Parse("siem.archive.retention-days = 0").LastExpiredDay(now));
    }

    [Fact]
    public void Credentials_come_from_a_secret_file_or_the_environment_and_their_absence_is_named()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "AKIAEXAMPLE\nsecret-value\n");
            var fromFile = ArchiveStores.Credentials(Parse($"siem.archive {{ target = \"s3://b-1/p\", s3.credentials-file = \"{file}\" }}")).GetCredentials();
            Assert.Equal(("AKIAEXAMPLE", "secret-value"), (fromFile.AccessKey, fromFile.SecretKey));

            File.WriteAllText(file, "only-one-line\n");
            var ex = Assert.Throws<ArchiveConfigException>(() => ArchiveStores.Credentials(Parse($"siem.archive {{ target = \"s3://b-1/p\", s3.credentials-file = \"{file}\" }}")));
            Assert.Contains("access key id and the secret", ex.Message);
            Assert.DoesNotContain("only-one-line", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_RowBinary_body_that_ends_inside_a_row_throws()
    {
        // One string field of 5 bytes announced, 2 given.
        var rows = new RowBinaryEvents(new MemoryStream([5, (byte)'a', (byte)'b']));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await rows.NextAsync(CancellationToken.None));
        Assert.Null(await new RowBinaryEvents(new MemoryStream([])).NextAsync(CancellationToken.None));
    }
}
