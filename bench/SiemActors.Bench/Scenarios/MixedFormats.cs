using System.Text;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The formats devices send, in turn: Vector JSON, RFC 5424, RFC 3164, CEF and LEEF 2.0 — one event each of a firewall,
/// sshd, web, IDS and flow source, with varied hosts, addresses and users.
/// </summary>
internal static class MixedFormats
{
    public static byte[] Event(int n)
    {
        var host = $"host-{n % 97}";
        var ip = $"203.0.113.{n % 250}";
        var user = $"user{n % 50}";
        var line = (n % 5) switch
        {
            0 => $$"""{"id":"bench-{{n}}","timestamp":"2026-11-27T04:{{n / 60 % 60:D2}}:{{n % 60:D2}}Z","host":"{{host}}","source_type":"firewall","severity":"warning","category":"network","action":"deny","outcome":"failure","src_ip":"{{ip}}","src_port":{{1024 + n % 60000}},"dst_ip":"10.0.0.5","dst_port":{{n % 1024}},"message":"DENY tcp {{ip}} -> 10.0.0.5"}""",
            1 => $"<38>1 2026-11-27T04:{n / 60 % 60:D2}:{n % 60:D2}.250Z {host} sshd {n % 30000} ID47 [origin ip=\"{ip}\"][meta sequenceId=\"{n}\"] Failed password for {user} from {ip} port 22 ssh2",
            2 => $"<86>Nov 27 04:{n / 60 % 60:D2}:{n % 60:D2} {host} nginx[{n % 30000}]: {ip} - - \"GET /admin HTTP/1.1\" 403 512 bench-{n}",
            3 => $"CEF:0|Acme|IDS|2.1|4001|Port scan|7|src={ip} dst=10.0.0.{n % 250} spt={1024 + n % 60000} dpt={n % 1024} proto=TCP act=blocked suser={user} cs1Label=rule cs1=scan-{n % 20} rt={1_800_000_000_000L + n} externalId=bench-{n}",
            _ => $"LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src={ip}^dst=10.0.1.{n % 250}^sev=5^srcPort={1024 + n % 60000}^dstPort=21^usrName={user}^proto=TCP^devTime={1_800_000_000_000L + n}^eventId=bench-{n}",
        };
        return Encoding.UTF8.GetBytes(line);
    }
}
