using Amazon.Runtime;

namespace SiemActors.Archive;

/// <summary>Tells a failure to reach or use the store (retry later) from a problem with what it holds.</summary>
public static class ArchiveStoreErrors
{
    public static bool IsStoreFailure(Exception ex) => ex is AmazonServiceException or AmazonClientException or HttpRequestException
        or UnauthorizedAccessException or DirectoryNotFoundException or FileNotFoundException;
}
