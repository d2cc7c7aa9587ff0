using Xunit;

namespace SiemActors.Archive.Tests;

/// <summary>
/// A crash at each step of archiving a day — mid-upload, after a part before the manifest, after the manifest before
/// the drop, after the drop before the manifest says so — and the next pass, by a new archiver that knows only what
/// ClickHouse and the object store hold, finishes the day: archived exactly once, no object the manifest does not
/// name, dropped from ClickHouse only once the archive holds all of it.
/// </summary>
[Collection("archive")]
public sealed class CrashTests(ArchiveFixture fixture) : IClassFixture<ArchiveFixture>
{
    private const int Rows = 30_000;

    public static TheoryData<string> Steps => ["mid-upload", nameof(ArchiveStep.PartUploaded), nameof(ArchiveStep.ManifestWritten), nameof(ArchiveStep.Dropped)];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_crash_at_each_step_leaves_the_day_archived_once_after_the_next_pass(string step)
    {
        using var world = await fixture.NewWorld("row-group-rows = 5000\npart-max-rows = 10000");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-45);
        await world.InsertDay(day, Rows);
        var expected = await IndependentReader.ClickHouseRows(world, [day]);

        // The crash: the pass stops right there, nothing after the step runs (the process is gone).
        using var crash = new CancellationTokenSource();
        ArchiveStepHook? hook = step == "mid-upload" ? null : (s, _) =>
        {
            if (s.ToString() == step)
            {
                crash.Cancel();
                crash.Token.ThrowIfCancellationRequested();
            }
            return ValueTask.CompletedTask;
        };
        using var failing = new FailingStore(world.Store, failOnPut: step == "mid-upload" ? 2 : int.MaxValue, crash);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.Pass(hook, failing).RunOnceAsync(DateTimeOffset.UtcNow, crash.Token));

        // What the crash left: not dropped unless the drop itself was done; a manifest only once every part is up.
        var manifestAfterCrash = await world.Objects.ManifestAsync(day, CancellationToken.None);
        if (step is "mid-upload" or nameof(ArchiveStep.PartUploaded)) Assert.Null(manifestAfterCrash);
        else Assert.Equal(Rows, manifestAfterCrash!.Rows);
        Assert.Equal(step == nameof(ArchiveStep.Dropped) ? 0 : Rows, await world.Count(day));

        var second = await world.Pass().RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Empty(second.Failures);
        Assert.Equal(0, await world.Count(day));
        var verified = await new ArchiveVerifier(world.Objects).VerifyAsync(day, CancellationToken.None);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        Assert.Equal(Rows, verified.ObjectRows);
        Assert.Equal(3, verified.Parts);
        var manifest = await world.Objects.ManifestAsync(day, CancellationToken.None);
        Assert.Equal(0, manifest!.ClickHouseRows); // it says the day is out of ClickHouse
        var found = await IndependentReader.Rows(world);
        Assert.Equal(Rows, found.Count);
        Assert.Equal(expected.Order(), found.Order());
    }

}

/// <summary>
/// The store, except that the n-th file upload fails: the object is not written, as when the connection breaks
/// mid-upload; with <paramref name="crash"/>, the process dies there too.
/// </summary>
internal sealed class FailingStore(IArchiveStore inner, int failOnPut, CancellationTokenSource? crash = null) : IArchiveStore
{
    private int _puts;

    public bool Failed { get; private set; }

    public Task PutFileAsync(string key, string path, CancellationToken cancellation)
    {
        if (++_puts == failOnPut)
        {
            Failed = true;
            crash?.Cancel();
            crash?.Token.ThrowIfCancellationRequested();
            throw new IOException("connection reset mid-upload (test)");
        }
        return inner.PutFileAsync(key, path, cancellation);
    }

    public Task PutBytesAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellation) => inner.PutBytesAsync(key, data, cancellation);

    public Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellation) => inner.GetBytesAsync(key, cancellation);

    public Task DownloadAsync(string key, string path, CancellationToken cancellation) => inner.DownloadAsync(key, path, cancellation);

    public Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellation) => inner.ListAsync(prefix, cancellation);

    public Task DeleteAsync(string key, CancellationToken cancellation) => inner.DeleteAsync(key, cancellation);

    public Task<int> AbortIncompleteUploadsAsync(CancellationToken cancellation) => inner.AbortIncompleteUploadsAsync(cancellation);

    public void Dispose()
    {
    }
}
