using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace SiemActors.Api.Http;

/// <summary>
/// <c>siem.api.http</c>'s security: the certificate the node serves HTTPS with (the UI, the hub, the REST API,
/// management and metrics), the HSTS header's max-age, and the origins other sites may call the API from (CORS).
/// </summary>
public sealed record HttpServerSecurity
{
    public required string CertFile { get; init; }

    public required string KeyFile { get; init; }

    /// <summary>The <c>Strict-Transport-Security</c> max-age sent on HTTPS answers; zero: no header.</summary>
    public required TimeSpan HstsMaxAge { get; init; }

    /// <summary>Origins (<c>https://soc.example.com</c>) whose pages may call the API; empty: only the node's own UI.</summary>
    public required IReadOnlyList<string> CorsOrigins { get; init; }

    public bool Https => CertFile.Length > 0;

    public string Scheme => Https ? "https" : "http";

    /// <summary>From the <c>siem.api.http</c> section; the certificate is loaded now, so a wrong path stops the node at start.</summary>
    public static HttpServerSecurity FromConfig(Config http)
    {
        var security = new HttpServerSecurity
        {
            CertFile = http.GetString("tls.cert-file", ""),
            KeyFile = http.GetString("tls.key-file", ""),
            HstsMaxAge = http.GetTimeSpan("hsts-max-age", TimeSpan.FromDays(180)),
            CorsOrigins = (http.GetStringList("cors-origins") ?? []).ToList(),
        };
        if ((security.CertFile.Length > 0) != (security.KeyFile.Length > 0))
            throw new ConfigurationException("siem.api.http.tls: cert-file and key-file go together (the node's certificate and its private key)");
        foreach (var origin in security.CorsOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/') || uri.Scheme is not ("https" or "http"))
                throw new ConfigurationException($"siem.api.http.cors-origins: \"{origin}\" is not an origin (scheme://host[:port], no path)");
        }
        if (security.Https) security.Certificate().Dispose();
        return security;
    }

    /// <summary>The node's certificate with its key (PEM files: the certificate, then any intermediates, and the key).</summary>
    public X509Certificate2 Certificate() => Security.PemCertificate.Load(CertFile, KeyFile, "siem.api.http.tls");
}
