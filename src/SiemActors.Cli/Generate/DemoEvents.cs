using System.Text.Json;

namespace SiemActors.Cli.Generate;

/// <summary>
/// Realistic, varied security events in Vector's JSON shape: firewall denies and allows, sshd logins (mostly failures
/// from a few noisy addresses), web access, Windows logons forwarded as JSON, DNS queries. Every id is unique.
/// </summary>
internal sealed class DemoEvents(int seed, string runId)
{
    private static readonly string[] Users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "admin", "root", "svc-backup"];
    private static readonly string[] Paths = ["/", "/login", "/api/v1/orders", "/admin", "/wp-login.php", "/.env", "/static/app.js", "/health"];
    private static readonly string[] Domains = ["example.com", "intranet.local", "updates.vendor.net", "cdn.example.org", "x7f3k2.biz"];
    private readonly Random _random = new(seed);
    private long _sequence;

    public (string Key, byte[] Value) Next(DateTimeOffset now)
    {
        var id = $"{runId}-{_sequence++}";
        var kind = _random.Next(100);
        var e = kind switch
        {
            < 35 => Firewall(),
            < 55 => Sshd(),
            < 80 => Web(),
            < 92 => Windows(),
            _ => Dns(),
        };
        e["id"] = id;
        e["timestamp"] = now.ToString("O");
        return ((string)e["host"], JsonSerializer.SerializeToUtf8Bytes(e));
    }

    private Dictionary<string, object> Firewall()
    {
        var deny = _random.Next(10) < 4;
        var src = PrivateIp();
        var dst = _random.Next(3) == 0 ? PrivateIp() : PublicIp();
        var port = Pick([22, 53, 80, 443, 445, 3389, 8080, 1433]);
        return new()
        {
            ["host"] = $"fw-{_random.Next(1, 5):D2}", ["source_type"] = "firewall",
            ["severity"] = deny ? "warning" : "informational", ["category"] = "network",
            ["action"] = deny ? "deny" : "allow", ["outcome"] = deny ? "failure" : "success",
            ["src_ip"] = src, ["src_port"] = _random.Next(1024, 65535), ["dst_ip"] = dst, ["dst_port"] = port,
            ["message"] = $"{(deny ? "DENY" : "ALLOW")} tcp {src} -> {dst}:{port}", ["rule"] = deny ? "block-inbound" : "allow-established",
        };
    }

    private Dictionary<string, object> Sshd()
    {
        var noisy = _random.Next(10) < 6;
        var src = noisy ? $"203.0.113.{_random.Next(1, 6)}" : PublicIp();
        var user = Pick(Users);
        var ok = !noisy && _random.Next(3) > 0;
        return new()
        {
            ["host"] = $"bastion-{_random.Next(1, 3):D2}", ["source_type"] = "sshd", ["process"] = "sshd",
            ["severity"] = ok ? "notice" : "warning", ["category"] = "authentication", ["action"] = "login",
            ["outcome"] = ok ? "success" : "failure", ["user"] = user, ["src_ip"] = src, ["src_port"] = _random.Next(1024, 65535),
            ["message"] = ok ? $"Accepted publickey for {user} from {src}" : $"Failed password for {user} from {src} port 22 ssh2",
        };
    }

    private Dictionary<string, object> Web()
    {
        var path = Pick(Paths);
        var status = path is "/admin" or "/wp-login.php" or "/.env" ? Pick([401, 403, 404]) : Pick([200, 200, 200, 301, 304, 500]);
        var src = PublicIp();
        return new()
        {
            ["host"] = $"web-{_random.Next(1, 9):D2}", ["source_type"] = "nginx", ["severity"] = status >= 500 ? "error" : status >= 400 ? "warning" : "informational",
            ["category"] = "web", ["action"] = "GET", ["outcome"] = status < 400 ? "success" : "failure", ["src_ip"] = src, ["dst_port"] = 443,
            ["message"] = $"{src} - - \"GET {path} HTTP/1.1\" {status} {_random.Next(200, 50_000)}", ["http"] = new Dictionary<string, object> { ["status"] = status, ["path"] = path },
        };
    }

    private Dictionary<string, object> Windows()
    {
        var failed = _random.Next(4) == 0;
        var user = Pick(Users);
        return new()
        {
            ["host"] = $"dc-{_random.Next(1, 3):D2}", ["source_type"] = "windows", ["severity"] = failed ? "warning" : "informational",
            ["category"] = "authentication", ["action"] = "logon", ["outcome"] = failed ? "failure" : "success", ["user"] = user,
            ["src_ip"] = PrivateIp(), ["event_code"] = failed ? 4625 : 4624, ["logon_type"] = Pick([2, 3, 10]),
            ["message"] = failed ? $"An account failed to log on. Account Name: {user}" : $"An account was successfully logged on. Account Name: {user}",
        };
    }

    private Dictionary<string, object> Dns()
    {
        var domain = Pick(Domains);
        return new()
        {
            ["host"] = $"dns-{_random.Next(1, 3):D2}", ["source_type"] = "dns", ["severity"] = domain.EndsWith(".biz") ? "warning" : "debug",
            ["category"] = "network", ["action"] = "query", ["src_ip"] = PrivateIp(), ["dst_port"] = 53,
            ["message"] = $"query: {Pick(["www", "api", "mail", "a1b2"])}.{domain} IN A", ["query"] = domain,
        };
    }

    private string PrivateIp() => $"10.{_random.Next(0, 4)}.{_random.Next(0, 256)}.{_random.Next(1, 255)}";

    private string PublicIp() => $"{Pick([198, 203, 185, 45, 91])}.{_random.Next(0, 256)}.{_random.Next(0, 256)}.{_random.Next(1, 255)}";

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
