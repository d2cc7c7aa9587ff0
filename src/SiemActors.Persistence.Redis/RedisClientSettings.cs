using Akka.Configuration;
using SiemActors.Security;
using StackExchange.Redis;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// How to reach Redis, from a section holding <c>connection</c> (a StackExchange.Redis configuration string without
/// secrets), <c>user</c> (an ACL user; empty: <c>default</c>), <c>password-env</c> / <c>password-file</c> and a
/// <c>tls</c> block. The sinks, the persistence plugins, the live view and the readiness check all connect with it.
/// </summary>
public sealed class RedisClientSettings
{
    private readonly string _password;

    private RedisClientSettings(string connection, string user, string password, TlsClientSettings tls, string passwordEnv = "", string passwordFile = "")
    {
        Connection = connection;
        User = user;
        _password = password;
        Tls = tls;
        _passwordEnv = passwordEnv;
        _passwordFile = passwordFile;
    }

    private readonly string _passwordEnv;
    private readonly string _passwordFile;

    /// <summary>From <paramref name="section"/> (keys absent: no user, no password, no TLS).</summary>
    public static RedisClientSettings FromConfig(Config section, string path)
    {
        var connection = section.GetString("connection", "");
        if (string.IsNullOrWhiteSpace(connection)) throw new ConfigurationException($"{path}.connection is empty");
        var parsed = ConfigurationOptions.Parse(connection);
        var tls = TlsClientSettings.FromConfig(section, path);
        var password = Secrets.Read(section, "password", path);
        if (!string.IsNullOrEmpty(parsed.Password) && password.Length > 0)
            throw new ConfigurationException($"{path}: the password is both in connection and in password-env/password-file; keep it out of connection");
        return new RedisClientSettings(connection, section.GetString("user", ""), password, tls,
            section.GetString("password-env", ""), section.GetString("password-file", ""));
    }

    /// <summary>Plain settings for a connection string (tests and tools).</summary>
    public static RedisClientSettings Plain(string connection) => new(connection, "", "", TlsClientSettings.Off);

    public string Connection { get; }

    public string User { get; }

    public TlsClientSettings Tls { get; }

    /// <summary>
    /// The client's options: the connection string, then the user, the password and TLS (the CA's check and the
    /// client certificate). Admin commands are not enabled: the node needs none.
    /// </summary>
    public ConfigurationOptions Options()
    {
        var options = ConfigurationOptions.Parse(Connection);
        if (User.Length > 0) options.User = User;
        if (_password.Length > 0) options.Password = _password;
        if (Tls.Enabled)
        {
            options.Ssl = true;
            if (Tls.ServerName.Length > 0) options.SslHost = Tls.ServerName;
            options.CertificateValidation += Tls.Callback;
            if (Tls.ClientCertificate() is { } certificate) options.CertificateSelection += (_, _, _, _, _) => certificate;
        }
        return options;
    }

    /// <summary>The servers named in the connection string, as host and port (6379 when not given).</summary>
    public IReadOnlyList<(string Host, int Port)> Endpoints() => ConfigurationOptions.Parse(Connection).EndPoints.Select(endpoint => endpoint switch
    {
        System.Net.DnsEndPoint d => (d.Host, d.Port == 0 ? 6379 : d.Port),
        System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port == 0 ? 6379 : ip.Port),
        _ => ("127.0.0.1", 6379),
    }).ToList();

    /// <summary>
    /// These settings as HOCON keys of a section (where the secret is, never the secret), for the persistence plugins
    /// to connect as the sinks do.
    /// </summary>
    public string ToHocon() => string.Join('\n',
        $"connection = {Quote(Connection)}", $"user = {Quote(User)}", $"password-env = {Quote(_passwordEnv)}", $"password-file = {Quote(_passwordFile)}",
        $"tls.enabled = {(Tls.Enabled ? "true" : "false")}", $"tls.ca-file = {Quote(Tls.CaFile)}", $"tls.cert-file = {Quote(Tls.CertFile)}",
        $"tls.key-file = {Quote(Tls.KeyFile)}", $"tls.server-name = {Quote(Tls.ServerName)}");

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>A key identifying these settings among a system's connections (no secret in it).</summary>
    public string Key => $"{Connection}|{User}|{Tls}";

    public override string ToString() => $"{Connection} (user {(User.Length > 0 ? User : "default")}, {(_password.Length > 0 ? "password ***" : "no password")}, {Tls})";
}
