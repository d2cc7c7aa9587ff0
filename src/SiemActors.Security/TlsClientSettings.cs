using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace SiemActors.Security;

/// <summary>
/// A client's TLS settings, from a <c>tls { enabled, ca-file, cert-file, key-file, server-name }</c> block: whether to
/// speak TLS, which CAs to trust (a PEM bundle; empty: the system's store), the client certificate to show a server that
/// asks for one, and the name the server's certificate must carry. The same block is read for Redis, ClickHouse and
/// the identity provider, and the readiness checks use the very settings the sinks use.
/// </summary>
public sealed class TlsClientSettings
{
    private readonly X509Certificate2Collection _trusted;

    private TlsClientSettings(bool enabled, string caFile, string certFile, string keyFile, string serverName, X509Certificate2Collection trusted)
    {
        Enabled = enabled;
        CaFile = caFile;
        CertFile = certFile;
        KeyFile = keyFile;
        ServerName = serverName;
        _trusted = trusted;
    }

    /// <summary>No TLS.</summary>
    public static TlsClientSettings Off { get; } = new(false, "", "", "", "", []);

    public bool Enabled { get; }

    public string CaFile { get; }

    public string CertFile { get; }

    public string KeyFile { get; }

    /// <summary>The name the server's certificate must carry; empty: the host connected to.</summary>
    public string ServerName { get; }

    /// <summary>Why the last server certificate was refused, for the error a failed connection reports.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>
    /// From <paramref name="section"/>'s <c>tls</c> block (absent: no TLS). The files are read now, so a path that is
    /// wrong stops the node at start with the key to fix; throws <see cref="ConfigurationException"/>.
    /// </summary>
    /// <param name="section">The section holding the <c>tls</c> block.</param>
    /// <param name="path">The section's path, for errors (<c>siem.sinks.redis</c>).</param>
    /// <param name="enabledByDefault">Whether TLS is on when the block does not say (an <c>https://</c> URL).</param>
    public static TlsClientSettings FromConfig(Config section, string path, bool enabledByDefault = false)
    {
        if (!section.HasPath("tls")) return enabledByDefault ? new TlsClientSettings(true, "", "", "", "", []) : Off;
        var tls = section.GetConfig("tls");
        var enabled = tls.GetBoolean("enabled", enabledByDefault);
        var caFile = tls.GetString("ca-file", "");
        var certFile = tls.GetString("cert-file", "");
        var keyFile = tls.GetString("key-file", "");
        // Off: the files are named (and shown) but not read.
        if (!enabled) return new TlsClientSettings(false, caFile, certFile, keyFile, tls.GetString("server-name", ""), []);
        var trusted = new X509Certificate2Collection();
        if (caFile.Length > 0)
        {
            try
            {
                trusted.ImportFromPemFile(caFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new ConfigurationException($"{path}.tls.ca-file {caFile} cannot be read as PEM certificates: {ex.Message}");
            }
            if (trusted.Count == 0) throw new ConfigurationException($"{path}.tls.ca-file {caFile} holds no PEM certificate");
        }
        if ((certFile.Length > 0) != (keyFile.Length > 0))
            throw new ConfigurationException($"{path}.tls: cert-file and key-file go together (a client certificate and its private key)");
        var settings = new TlsClientSettings(true, caFile, certFile, keyFile, tls.GetString("server-name", ""), trusted);
        if (certFile.Length > 0) settings.ClientCertificate(path);
        return settings;
    }

    /// <summary>The client certificate with its key, or null when none is configured.</summary>
    public X509Certificate2? ClientCertificate(string path = "tls") =>
        CertFile.Length == 0 ? null : PemCertificate.Load(CertFile, KeyFile, path + " (client certificate)");

    /// <summary>
    /// Whether a server's certificate is trusted: its chain ends at a configured CA (or, without <c>ca-file</c>, at one
    /// the system trusts) and it names the host (or <c>server-name</c>). Refusals are remembered in <see cref="LastRejection"/>.
    /// </summary>
    /// <param name="certificate">The certificate presented.</param>
    /// <param name="errors">What the platform's own check found.</param>
    /// <param name="who">Who presented it, for the reason: the server, a peer node.</param>
    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors, string who = "server")
    {
        var reason = Check(certificate, errors)?.Replace("the server", "the " + who, StringComparison.Ordinal);
        LastRejection = reason;
        return reason is null;
    }

    /// <summary>The callback for <see cref="SslStream"/>, <c>SocketsHttpHandler</c> and StackExchange.Redis.</summary>
    public RemoteCertificateValidationCallback Callback => (_, certificate, _, errors) => Validate(certificate, errors);

    private string? Check(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return "the server presented no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the server's certificate ({certificate.Subject}) does not name the host{(ServerName.Length > 0 ? " " + ServerName : "")}";
        if (_trusted.Count == 0)
            return errors == SslPolicyErrors.None ? null : $"the server's certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not trusted by the system's CAs";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        if (chain.Build(presented)) return null;
        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"the server's certificate ({presented.Subject}, issued by {presented.Issuer}) does not chain to a CA of {CaFile} ({status})";
    }

    public override string ToString() => Enabled
        ? $"tls {{ ca-file = {(CaFile.Length > 0 ? CaFile : "(system)")}, cert-file = {(CertFile.Length > 0 ? CertFile : "(none)")} }}"
        : "no tls";
}
