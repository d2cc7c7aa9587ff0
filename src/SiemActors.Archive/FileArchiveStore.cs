namespace SiemActors.Archive;

/// <summary>
/// The archive in a local directory (<c>file:///dir</c>), with the S3 store's keys as relative paths. A write goes to
/// a temporary file beside its target, is flushed to disk and renamed over it: the object is absent or whole.
/// </summary>
public sealed class FileArchiveStore(string directory) : IArchiveStore
{
    private const string TempMarker = ".uploading-";

    public async Task PutFileAsync(string key, string path, CancellationToken cancellation)
    {
        var target = PathOf(key, forWrite: true);
        var temp = TempFor(target);
        await using (var source = File.OpenRead(path))
        await using (var sink = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await source.CopyToAsync(sink, cancellation).ConfigureAwait(false);
            sink.Flush(flushToDisk: true);
        }
        File.Move(temp, target, overwrite: true);
    }

    public async Task PutBytesAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellation)
    {
        var target = PathOf(key, forWrite: true);
        var temp = TempFor(target);
        await using (var sink = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await sink.WriteAsync(data, cancellation).ConfigureAwait(false);
            sink.Flush(flushToDisk: true);
        }
        File.Move(temp, target, overwrite: true);
    }

    public async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellation)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DownloadAsync(string key, string path, CancellationToken cancellation)
    {
        File.Copy(PathOf(key), path, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellation)
    {
        if (!Directory.Exists(directory)) return Task.FromResult<IReadOnlyList<StoredObject>>([]);
        var found = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).Contains(TempMarker, StringComparison.Ordinal))
            .Select(f => new StoredObject(Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(f).Length))
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<StoredObject>>(found);
    }

    public Task DeleteAsync(string key, CancellationToken cancellation)
    {
        var path = PathOf(key);
        if (File.Exists(path)) File.Delete(path); // a key that is not there is no error, as on S3
        return Task.CompletedTask;
    }

    public Task<int> AbortIncompleteUploadsAsync(CancellationToken cancellation)
    {
        if (!Directory.Exists(directory)) return Task.FromResult(0);
        var temps = Directory.EnumerateFiles(directory, "*" + TempMarker + "*", SearchOption.AllDirectories).ToList();
        foreach (var temp in temps) File.Delete(temp);
        return Task.FromResult(temps.Count);
    }

    /// <summary>The file of a key; for a write, its folder is created.</summary>
    private string PathOf(string key, bool forWrite = false)
    {
        if (key.Length == 0 || key.Contains("..", StringComparison.Ordinal) || key.StartsWith('/'))
            throw new ArgumentException($"'{key}' is not an archive key", nameof(key));
        var path = Path.Combine(directory, key.Replace('/', Path.DirectorySeparatorChar));
        if (forWrite) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static string TempFor(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + TempMarker + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
    }
}
