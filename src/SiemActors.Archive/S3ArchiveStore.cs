using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace SiemActors.Archive;

/// <summary>
/// The archive on S3-compatible storage through the AWS SDK: a custom endpoint and path-style addressing for MinIO,
/// Ceph RGW and others. Files above the multipart threshold go as a multipart upload, aborted when it fails; other
/// objects in one PUT. Checksums are sent only where the service requires them (the stores this targets do not all
/// speak the SDK's newer trailing checksums); every part's SHA-256 is in the day's manifest instead.
/// </summary>
public sealed class S3ArchiveStore : IArchiveStore
{
    private readonly AmazonS3Client _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly long _multipartThreshold;
    private readonly long _partSize;

    public S3ArchiveStore(ArchiveSettings settings, AWSCredentials credentials)
    {
        var location = settings.Location ?? throw new ArgumentException("no archive target", nameof(settings));
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (settings.S3Endpoint.Length > 0)
        {
            config.ServiceURL = settings.S3Endpoint;
            config.AuthenticationRegion = settings.S3Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.S3Region);
        }
        _s3 = new AmazonS3Client(credentials, config);
        _bucket = location.Bucket;
        _prefix = location.Prefix.Length == 0 ? "" : location.Prefix + "/";
        _multipartThreshold = settings.MultipartThreshold;
        _partSize = settings.MultipartPartSize;
    }

    /// <summary>Called after each part of a multipart upload is sent (tests cut the upload there).</summary>
    internal Func<int, Task>? AfterPart { get; set; }

    public async Task PutFileAsync(string key, string path, CancellationToken cancellation)
    {
        var size = new FileInfo(path).Length;
        if (size <= _multipartThreshold)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = _prefix + key, FilePath = path, UseChunkEncoding = false },
                cancellation).ConfigureAwait(false);
            return;
        }
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _prefix + key },
            cancellation).ConfigureAwait(false);
        try
        {
            var etags = new List<PartETag>();
            for (long position = 0, number = 1; position < size; position += _partSize, number++)
            {
                var part = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket, Key = _prefix + key, UploadId = upload.UploadId, PartNumber = (int)number,
                    FilePath = path, FilePosition = position, PartSize = Math.Min(_partSize, size - position), UseChunkEncoding = false,
                }, cancellation).ConfigureAwait(false);
                etags.Add(new PartETag((int)number, part.ETag));
                if (AfterPart is { } after) await after((int)number).ConfigureAwait(false);
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = _prefix + key, UploadId = upload.UploadId, PartETags = etags,
            }, cancellation).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(_prefix + key, upload.UploadId).ConfigureAwait(false);
            throw;
        }
    }

    public async Task PutBytesAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellation)
    {
        using var body = new MemoryStream(data.ToArray(), writable: false);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = _prefix + key, InputStream = body, UseChunkEncoding = false },
            cancellation).ConfigureAwait(false);
    }

    public async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellation)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(_bucket, _prefix + key, cancellation).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, cancellation).ConfigureAwait(false);
            return copy.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DownloadAsync(string key, string path, CancellationToken cancellation)
    {
        using var response = await _s3.GetObjectAsync(_bucket, _prefix + key, cancellation).ConfigureAwait(false);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await response.ResponseStream.CopyToAsync(file, cancellation).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellation)
    {
        var found = new List<StoredObject>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + prefix };
        while (true)
        {
            var page = await _s3.ListObjectsV2Async(request, cancellation).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? []) found.Add(new StoredObject(o.Key[_prefix.Length..], o.Size ?? 0));
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) break;
            request.ContinuationToken = page.NextContinuationToken;
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found;
    }

    public Task DeleteAsync(string key, CancellationToken cancellation) => _s3.DeleteObjectAsync(_bucket, _prefix + key, cancellation);

    public async Task<int> AbortIncompleteUploadsAsync(CancellationToken cancellation)
    {
        ListMultipartUploadsResponse open;
        try
        {
            open = await _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = _prefix }, cancellation)
                .ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed)
        {
            return 0; // a store without the call (s3rver); its unfinished uploads are invisible and hold no key
        }
        var uploads = open.MultipartUploads ?? [];
        foreach (var upload in uploads) await AbortQuietlyAsync(upload.Key, upload.UploadId).ConfigureAwait(false);
        return uploads.Count;
    }

    private async Task AbortQuietlyAsync(string fullKey, string uploadId)
    {
        try
        {
            await _s3.AbortMultipartUploadAsync(_bucket, fullKey, uploadId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException)
        {
            // Best effort: the next pass lists and aborts it again, and a lifecycle rule ends it in any case (docs/archive.md).
        }
    }

    public void Dispose() => _s3.Dispose();
}
