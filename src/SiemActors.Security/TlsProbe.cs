using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace SiemActors.Security;

/// <summary>
/// One TLS handshake with a server, at a node's start: a server whose certificate the settings refuse is a
/// configuration error to report now, with its reason, rather than a client that retries forever in silence. A
/// server that does not answer is not an error here (it may start later): the sinks wait for it as usual.
/// </summary>
public static class TlsProbe
{
    /// <summary>Throws <see cref="TlsTrustException"/> when the handshake fails for a reason of trust; returns false when the server did not answer.</summary>
    public static async Task<bool> HandshakeAsync(string host, int port, TlsClientSettings tls, string what, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancel.Token).ConfigureAwait(false);
            await using var stream = new SslStream(client.GetStream(), false, tls.Callback);
            var options = new SslClientAuthenticationOptions { TargetHost = tls.ServerName.Length > 0 ? tls.ServerName : host };
            if (tls.ClientCertificate() is { } certificate) options.ClientCertificates = [certificate];
            await stream.AuthenticateAsClientAsync(options, cancel.Token).ConfigureAwait(false);
            // With TLS 1.3 a server that refuses our certificate (or wanted one) says so only after the handshake: it
            // closes. Redis and ClickHouse send nothing unasked, so a read that ends or fails within a moment is that.
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                if (await stream.ReadAsync(new byte[1], quiet.Token).ConfigureAwait(false) == 0) throw new IOException("the connection was closed");
            }
            catch (OperationCanceledException) when (quiet.IsCancellationRequested)
            {
                return true; // still open and silent: the server took us
            }
            catch (IOException ex)
            {
                throw new TlsTrustException($"TLS to {what} at {host}:{port} failed: the server closed the connection after the handshake ({ex.InnerException?.Message ?? ex.Message}); " +
                                            "it requires a client certificate of its CA: set tls.cert-file and tls.key-file", ex);
            }
            return true;
        }
        catch (AuthenticationException ex)
        {
            throw new TlsTrustException($"TLS to {what} at {host}:{port} failed: {tls.LastRejection ?? ex.Message}", ex);
        }
        catch (IOException ex) when (ex.InnerException is not SocketException)
        {
            // The server closed the connection during the handshake: it speaks no TLS, or refused our certificate.
            throw new TlsTrustException($"TLS to {what} at {host}:{port} failed: the server ended the handshake ({ex.Message}); " +
                                        "does it listen for TLS on this port, and does it require a client certificate?", ex);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}

/// <summary>A server's certificate, or ours, was refused: a configuration to fix, not an outage to wait out.</summary>
public sealed class TlsTrustException(string message, Exception inner) : Exception(message, inner);
