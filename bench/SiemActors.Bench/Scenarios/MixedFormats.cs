using System.Text;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The formats devices send, in turn: Vector JSON, RFC 5424, RFC 3164, CEF and LEEF 2.0 — one event each of a firewall,
/// sshd, web, IDS and flow source, with varied hosts, addresses and users.
/// </summary>
internal static class MixedFormats
{
    public static byte[] Event(int n) => Event(n, n % 5, null);

    /// <summary>
    /// Event <paramref name="n"/> in format <paramref name="format"/> (0 JSON, 1 RFC 5424, 2 RFC 3164, 3 CEF, 4 LEEF),
    /// stamped with <paramref name="at"/> when given (RFC 3164 to the second: its timestamps have no fraction).
    /// </summary>
    public static byte[] Event(int n, int format, DateTimeOffset? at)
    {
        var t = at ?? new DateTimeOffset(2026, 11, 27, 4, n / 60 % 60, n % 60, TimeSpan.Zero);
        var iso = t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var bsd = t.UtcDateTime.ToString("MMM dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var ms = at is { } a ? a.ToUnixTimeMilliseconds() : 1_800_000_000_000L + n;
        var host = $"host-{n % 97}";
        var ip = $"203.0.113.{n % 250}";
        var user = $"user{n % 50}";
        var line = format switch
        {
            0 => $$"""{"id":"bench-{{n}}","timestamp":"{{iso}}","host":"{{host}}","source_type":"firewall","severity":"warning","category":"network","action":"deny","outcome":"failure","src_ip":"{{ip}}","src_port":{{1024 + n % 60000}},"dst_ip":"10.0.0.5","dst_port":{{n % 1024}},"message":"DENY tcp {{ip}} -> 10.0.0.5"}""",
            1 => $"<38>1 {iso} {host} sshd {n % 30000} ID47 [origin ip=\"{ip}\"][meta sequenceId=\"{n}\"] Failed password for {user} from {ip} port 22 ssh2",
            2 => $"<86>{bsd} {host} nginx[{n % 30000}]: {ip} - - \"GET /admin HTTP/1.1\" 403 512 bench-{n}",
            3 => $"CEF:0|Acme|IDS|2.1|4001|Port scan|7|src={ip} dst=10.0.0.{n % 250} spt={1024 + n % 60000} dpt={n % 1024} proto=TCP act=blocked suser={user} cs1Label=rule cs1=scan-{n % 20} rt={ms} externalId=bench-{n}",
            _ => $"LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src={ip}^dst=10.0.1.{n % 250}^sev=5^srcPort={1024 + n % 60000}^dstPort=21^usrName={user}^proto=TCP^devTime={ms}^eventId=bench-{n}",
        };
        return Encoding.UTF8.GetBytes(line);
    }
}
