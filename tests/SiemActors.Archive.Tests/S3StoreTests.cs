using Akka.Configuration;
using Xunit;

namespace SiemActors.Archive.Tests;

/// <summary>The S3 store against a real S3-compatible server (s3rver): one PUT, multipart, listing, a cut multipart upload.</summary>
[Collection("archive")]
public sealed class S3StoreTests(ArchiveFixture fixture) : IClassFixture<ArchiveFixture>
{
    private static ArchiveSettings Settings(string prefix) => ArchiveSettings.Create(ConfigurationFactory.ParseString($$"""
        siem.archive { target = "s3://siem-archive/{{prefix}}", s3 { endpoint = "{{ArchiveFixture.S3Url}}", multipart-threshold = 5MiB, multipart-part-size = 5MiB } }
        """));

    private static string File(int mebibytes)
    {
        var path = Path.GetTempFileName();
        var data = new byte[mebibytes << 20];
        new Random(mebibytes).NextBytes(data);
        System.IO.File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public async Task A_file_above_the_threshold_goes_up_in_parts_and_comes_back_whole()
    {
        _ = fixture;
        var prefix = "s3test-" + Guid.NewGuid().ToString("N")[..8];
        using var store = (S3ArchiveStore)ArchiveStores.Open(Settings(prefix));
        var path = File(12);
        var back = Path.GetTempFileName();
        try
        {
            await store.PutFileAsync("events/date=2020-01-01/part-0.parquet", path, CancellationToken.None);
            await store.PutBytesAsync("events/date=2020-01-01/_manifest.json", "{}"u8.ToArray(), CancellationToken.None);
            await store.DownloadAsync("events/date=2020-01-01/part-0.parquet", back, CancellationToken.None);

            Assert.Equal(System.IO.File.ReadAllBytes(path), System.IO.File.ReadAllBytes(back));
            var listed = await store.ListAsync("events/", CancellationToken.None);
            Assert.Equal(["events/date=2020-01-01/_manifest.json", "events/date=2020-01-01/part-0.parquet"], listed.Select(o => o.Key));
            Assert.Equal(12L << 20, listed[1].Size);
            Assert.Null(await store.GetBytesAsync("events/date=2020-01-01/none", CancellationToken.None));
        }
        finally
        {
            System.IO.File.Delete(path);
            System.IO.File.Delete(back);
        }
    }

    [Fact]
    public async Task A_multipart_upload_cut_off_midway_leaves_no_object()
    {
        var prefix = "s3test-" + Guid.NewGuid().ToString("N")[..8];
        using var store = (S3ArchiveStore)ArchiveStores.Open(Settings(prefix));
        store.AfterPart = part => part == 1 ? throw new IOException("connection lost after part 1 (test)") : Task.CompletedTask;
        var path = File(12);
        try
        {
            await Assert.ThrowsAsync<IOException>(() => store.PutFileAsync("events/date=2020-01-02/part-0.parquet", path, CancellationToken.None));

            Assert.Empty(await store.ListAsync("events/", CancellationToken.None));
            Assert.Null(await store.GetBytesAsync("events/date=2020-01-02/part-0.parquet", CancellationToken.None));
            // s3rver answers AbortMultipartUpload with 405 (it keeps no unfinished uploads): the store tried and went on.
            Assert.Equal(0, await store.AbortIncompleteUploadsAsync(CancellationToken.None));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
