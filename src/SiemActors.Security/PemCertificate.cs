using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace SiemActors.Security;

/// <summary>A certificate and its private key from PEM files, usable by SslStream and Kestrel on every platform.</summary>
public static class PemCertificate
{
    /// <summary>Throws <see cref="ConfigurationException"/> naming <paramref name="what"/> and the files when they do not load.</summary>
    public static X509Certificate2 Load(string certFile, string keyFile, string what)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // Exported and loaded again: the key must be usable by the platform's TLS, not an ephemeral one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"{what}: the certificate {certFile} with key {keyFile} cannot be loaded: {ex.Message}");
        }
    }
}
