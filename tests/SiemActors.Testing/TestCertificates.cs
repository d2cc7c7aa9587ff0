using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SiemActors.Testing;

/// <summary>
/// A throwaway PKI for the security tests, made in process: a CA, a server certificate it signs for 127.0.0.1 and
/// localhost (for server and client use: a node's certificate), a client certificate, and a second CA that signs only an
/// intruder's certificate (the "wrong CA"). Written as PEM files to a directory readable by the services (ClickHouse
/// runs as its own user): ca.crt, server.crt, server.key, client.crt, client.key, other-ca.crt, intruder.crt, intruder.key.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string ServerCertFile => Path.Combine(Directory, "server.crt");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.crt");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public string OtherCaFile => Path.Combine(Directory, "other-ca.crt");

    /// <summary>A certificate for 127.0.0.1 signed by the other CA.</summary>
    public string IntruderCertFile => Path.Combine(Directory, "intruder.crt");

    public string IntruderKeyFile => Path.Combine(Directory, "intruder.key");

    /// <summary>The CA's certificate, for clients of the tests' own.</summary>
    public X509Certificate2 Ca { get; private set; } = null!;

    public static TestCertificates Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "siem-pki-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var pki = new TestCertificates(dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        pki.Ca = Authority("SiemActors test CA", caKey);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = Authority("Some other CA", otherKey);
        pki.Write("ca.crt", pki.Ca.ExportCertificatePem());
        pki.Write("other-ca.crt", other.ExportCertificatePem());
        pki.Leaf("server", "127.0.0.1", caKey, pki.Ca, server: true);
        pki.Leaf("client", "siem-node", caKey, pki.Ca, server: false);
        pki.Leaf("intruder", "127.0.0.1", otherKey, other, server: true);
        return pki;
    }

    private static X509Certificate2 Authority(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
    }

    private void Leaf(string name, string commonName, ECDsa caKey, X509Certificate2 ca, bool server)
    {
        using var key = RSA.Create(2048); // RSA: every server here (Redis, ClickHouse 18.16's OpenSSL, Kestrel) takes it
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            server ? [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")] : [new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, false, false));
        var signer = X509SignatureGenerator.CreateForECDsa(caKey);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(ca.SubjectName, signer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        Write(name + ".crt", certificate.ExportCertificatePem());
        Write(name + ".key", key.ExportPkcs8PrivateKeyPem());
    }

    private void Write(string file, string pem)
    {
        var path = Path.Combine(Directory, file);
        File.WriteAllText(path, pem + "\n");
        // Readable by the services' own users: a throwaway key on a test machine.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public void Dispose()
    {
        Ca.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
