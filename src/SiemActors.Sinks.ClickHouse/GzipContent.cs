using System.IO.Compression;
using System.Net;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// A request body gzipped while it is sent (chunked), so no compressed copy of an insert is ever held in memory.
/// </summary>
internal sealed class GzipContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _body;

    public GzipContent(ReadOnlyMemory<byte> body)
    {
        _body = body;
        Headers.ContentEncoding.Add("gzip");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        await gzip.WriteAsync(_body, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
