namespace SiemActors.Archive;

/// <summary>An object of the archive: its key (relative to the archive's location) and size in bytes.</summary>
public sealed record StoredObject(string Key, long Size);

/// <summary>
/// The object store under the archive: S3-compatible storage (<see cref="S3ArchiveStore"/>) or a local directory
/// (<see cref="FileArchiveStore"/>). Keys are relative to the archive's location. Every write is all or nothing: an
/// object is either absent or whole (one PUT, a completed multipart upload, or a rename).
/// </summary>
public interface IArchiveStore : IDisposable
{
    /// <summary>Uploads the file at <paramref name="path"/> as <paramref name="key"/>, replacing what is there.</summary>
    Task PutFileAsync(string key, string path, CancellationToken cancellation);

    Task PutBytesAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellation);

    /// <summary>The object's bytes, or null when there is none.</summary>
    Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellation);

    /// <summary>Downloads the object to <paramref name="path"/>.</summary>
    Task DownloadAsync(string key, string path, CancellationToken cancellation);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in key order.</summary>
    Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellation);

    Task DeleteAsync(string key, CancellationToken cancellation);

    /// <summary>
    /// Ends the uploads an earlier run left unfinished (a crash mid-upload): multipart uploads under the location are
    /// aborted, a directory's temporary files removed. Returns how many; a store that cannot list them returns 0.
    /// </summary>
    Task<int> AbortIncompleteUploadsAsync(CancellationToken cancellation);
}
