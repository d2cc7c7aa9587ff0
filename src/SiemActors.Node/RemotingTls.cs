using System.Net.Security;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote.Transport.DotNetty;
using SiemActors.Security;

namespace SiemActors.Node;

/// <summary>
/// TLS between the cluster's nodes (Akka.Remote's DotNetty transport), from <c>siem.node.tls</c>: each node shows its
/// certificate (PEM, with its key) and accepts a peer only when the peer's certificate chains to the cluster's CA
/// (<c>ca-file</c>); both sides show one (mutual TLS). Host names are not checked: nodes reach each other by address and
/// their certificates are per node — the CA is the cluster's identity. docs/security.md, "Between nodes".
/// </summary>
internal static class RemotingTls
{
    /// <summary>Turns TLS on for remoting when configured; the certificate and CA are read now (a wrong path stops the node).</summary>
    public static AkkaConfigurationBuilder WithRemotingTls(this AkkaConfigurationBuilder akka, Config config)
    {
        var tls = TlsClientSettings.FromConfig(config.GetConfig("siem.node") ?? Config.Empty, "siem.node");
        if (!tls.Enabled) return akka;
        if (tls.CertFile.Length == 0 || tls.CaFile.Length == 0)
            throw new ConfigurationException("siem.node.tls: set cert-file, key-file and ca-file (every node shows a certificate of the cluster's CA)");
        var certificate = tls.ClientCertificate("siem.node.tls")!;
        CertificateValidationCallback validate = (peer, _, remote, errors, log) =>
        {
            // The name is not checked (per-node certificates, connections by address); the chain to the cluster's CA is.
            if (tls.Validate(peer, errors & ~SslPolicyErrors.RemoteCertificateNameMismatch, "peer node")) return true;
            log.Error("Refused the TLS peer {0}: {1}", remote, tls.LastRejection);
            return false;
        };
        return akka
            .AddHocon("akka.remote.dot-netty.tcp.enable-ssl = true", HoconAddMode.Prepend)
            .AddSetup(new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, validate));
    }
}
