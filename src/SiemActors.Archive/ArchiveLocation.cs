using Akka.Configuration;

namespace SiemActors.Archive;

/// <summary>
/// Where the archive lives: a bucket and a key prefix on S3-compatible storage (<c>s3://bucket/prefix</c>), or a local
/// directory (<c>file:///dir</c>). Keys below it are the same on both (<see cref="ArchiveLayout"/>).
/// </summary>
public sealed record ArchiveLocation(bool IsS3, string Bucket, string Prefix, string Directory)
{
    public static ArchiveLocation Parse(string target)
    {
        if (target.StartsWith("s3://", StringComparison.Ordinal))
        {
            var rest = target["s3://".Length..];
            var slash = rest.IndexOf('/');
            var bucket = slash < 0 ? rest : rest[..slash];
            var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
            if (bucket.Length < 3 || bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
                throw new ConfigurationException($"siem.archive.target: '{bucket}' is not an S3 bucket name (3-63 of a-z 0-9 . -)");
            return new ArchiveLocation(true, bucket, prefix, "");
        }
        if (target.StartsWith("file://", StringComparison.Ordinal))
        {
            var path = Uri.UnescapeDataString(target["file://".Length..]);
            if (!Path.IsPathRooted(path)) throw new ConfigurationException($"siem.archive.target: '{target}' does not name an absolute directory (file:///dir)");
            return new ArchiveLocation(false, "", "", path);
        }
        throw new ConfigurationException($"siem.archive.target must start with s3:// or file://, not '{target}'");
    }

    public override string ToString() => IsS3 ? $"s3://{Bucket}/{Prefix}" : $"file://{Directory}";
}
