using System.Security.Cryptography;
using Parquet;
using Parquet.Serialization;

namespace SiemActors.Archive;

/// <summary>A part built on local disk, ready to upload: where it is, and what goes into the manifest.</summary>
public sealed record PartFile(string Path, long Rows, long Bytes, string Sha256, long MinEventTimeMs, long MaxEventTimeMs);

/// <summary>
/// One Parquet object being built in the spill directory: rows are added in event-time order and written as row groups
/// of <see cref="ArchiveSettings.RowGroupRows"/>, compressed as configured; <see cref="CompleteAsync"/> closes it and takes
/// its SHA-256. The file is deleted when this is disposed.
/// </summary>
public sealed class ParquetPart : IDisposable
{
    private readonly ArchiveSettings _settings;
    private readonly List<ArchiveRow> _group;
    private readonly string _path;
    private long _rows;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;
    private bool _any;

    public ParquetPart(ArchiveSettings settings)
    {
        _settings = settings;
        _group = new List<ArchiveRow>(Math.Min(settings.RowGroupRows, 1 << 20));
        Directory.CreateDirectory(settings.SpillDir);
        _path = System.IO.Path.Combine(settings.SpillDir, $"siem-archive-{Guid.NewGuid():N}.parquet");
    }

    public long Rows => _rows + _group.Count;

    public async ValueTask AddAsync(ArchiveRow row, CancellationToken cancellation)
    {
        var ms = row.TimestampMs;
        if (ms < _min) _min = ms;
        if (ms > _max) _max = ms;
        _group.Add(row);
        if (_group.Count >= _settings.RowGroupRows) await FlushAsync(cancellation).ConfigureAwait(false);
    }

    public async Task<PartFile> CompleteAsync(CancellationToken cancellation)
    {
        await FlushAsync(cancellation).ConfigureAwait(false);
        if (!_any) throw new InvalidOperationException("a part without rows");
        string sha;
        await using (var file = File.OpenRead(_path))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellation).ConfigureAwait(false));
        return new PartFile(_path, _rows, new FileInfo(_path).Length, sha, _min, _max);
    }

    private async Task FlushAsync(CancellationToken cancellation)
    {
        if (_group.Count == 0) return;
        var options = new ParquetOptions
        {
            CompressionMethod = _settings.Compression, CompressionLevel = _settings.CompressionLevel, Append = _any, RowGroupSize = _group.Count,
        };
        await ParquetSerializer.SerializeAsync(_group, _path, options, null, cancellation).ConfigureAwait(false);
        _any = true;
        _rows += _group.Count;
        _group.Clear();
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // a spill file left behind is removed with the spill directory; nothing reads it
        }
    }
}
