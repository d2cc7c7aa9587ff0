using Amazon.Runtime;

namespace SiemActors.Archive;

/// <summary>Opens the store <see cref="ArchiveSettings.Target"/> names, with credentials from a secret file or the environment.</summary>
public static class ArchiveStores
{
    public static IArchiveStore Open(ArchiveSettings settings)
    {
        var location = settings.Location ?? throw new ArchiveConfigException("siem.archive.target is empty: give s3://<bucket>/<prefix> or file:///<directory>");
        return location.IsS3 ? new S3ArchiveStore(settings, Credentials(settings)) : new FileArchiveStore(location.Directory);
    }

    /// <summary>The S3 credentials: <c>s3.credentials-file</c> (access key id, then secret, one per line) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.</summary>
    public static AWSCredentials Credentials(ArchiveSettings settings)
    {
        if (settings.CredentialsFile.Length > 0)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(settings.CredentialsFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            }
            catch (IOException ex)
            {
                throw new ArchiveConfigException($"siem.archive.s3.credentials-file {settings.CredentialsFile} cannot be read: {ex.Message}");
            }
            if (lines.Length < 2) throw new ArchiveConfigException($"siem.archive.s3.credentials-file {settings.CredentialsFile} must hold the access key id and the secret, one per line");
            return new BasicAWSCredentials(lines[0], lines[1]);
        }
        var id = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
            throw new ArchiveConfigException("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or siem.archive.s3.credentials-file");
        var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
        return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(id, secret) : new SessionAWSCredentials(id, secret, token);
    }
}

/// <summary>The archive cannot be set up as configured; the message says what to change.</summary>
public sealed class ArchiveConfigException(string message) : Exception(message);
