using System.Text;

namespace SiemActors.Fuzz;

/// <summary>
/// Valid records of every format the pipeline reads, as devices and shippers send them: the material the mutator
/// starts from, so that most mutants get deep into a parser before something is wrong.
/// </summary>
public static class Samples
{
    /// <summary>Record <paramref name="n"/> of the rotation: Vector JSON (flat and nested), RFC 5424 (with structured data
    /// and a BOM), RFC 3164 (sshd, postfix/smtpd, no hostname), CEF (bare and inside syslog), LEEF 1.0 and 2.0.</summary>
    public static byte[] Valid(int n) => Encoding.UTF8.GetBytes(Text(n, n % Count));

    public const int Count = 10;

    public static string Text(int n, int kind)
    {
        var ip = $"198.51.100.{n % 250}";
        var host = $"fuzz-host-{n % 61}";
        return kind switch
        {
            0 => $$"""{"id":"fz-{{n}}","timestamp":"2026-11-27T04:{{n / 60 % 60:D2}}:{{n % 60:D2}}.123Z","host":"{{host}}","source_type":"firewall","severity":"warning","message":"DENY tcp {{ip}}:{{1024 + n % 60000}} -> 10.0.0.5:443","src_ip":"{{ip}}","src_port":{{1024 + n % 60000}},"dst_ip":"10.0.0.5","dst_port":443,"tags":["edge","fw"],"user":"u{{n % 40}}"}""",
            1 => $$"""{"@timestamp":1800000000{{n % 1000:D3}},"host":{"name":"{{host}}"},"source":{"ip":"{{ip}}","port":{{n % 65536}}},"destination":{"ip":"2001:db8::{{n % 9999:x}}","port":22},"event":{"action":"login","outcome":"failure","category":"authentication"},"message":"Failed password for root","labels":{"env":"prod","n":{{n}} } }""",
            2 => $"<38>1 2026-11-27T04:00:{n % 60:D2}.5Z {host} sshd {n % 30000} ID47 [origin ip=\"{ip}\"][meta sequenceId=\"{n}\" note=\"a \\\"quoted\\\" \\] value\"] \uFEFFFailed password for root from {ip} port 22 ssh2",
            3 => $"<38>Nov 27 04:00:{n % 60:D2} {host} sshd[{n % 30000}]: Accepted publickey for alice from {ip} port {n % 65536} ssh2",
            4 => $"<22>Nov 27 04:00:{n % 60:D2} mail-{n % 7} postfix/smtpd[{n % 9999}]: connect from unknown[{ip}]",
            5 => $"<13>Nov  7 04:00:{n % 60:D2} kernel: [UFW BLOCK] IN=eth0 OUT= SRC={ip} DST=10.0.0.1 PROTO=TCP SPT={n % 65536} DPT=22",
            6 => $"CEF:0|Acme|IDS|2.1|4001|Port scan \\| sweep|7|src={ip} dst=10.0.0.{n % 250} spt={1024 + n % 60000} dpt={n % 1024} proto=TCP act=blocked suser=u{n % 40} cs1Label=rule cs1=scan-{n % 20} rt=1800000000{n % 1000:D3} msg=line one\\nline two \\= equal",
            7 => $"<134>Nov 27 04:00:{n % 60:D2} {host} CEF:0|Acme|FW|1.0|100|Blocked|5|src={ip} dst=10.1.1.1 dpt=3389 act=deny",
            8 => $"LEEF:1.0|IBM|QRadar|7.4|Login|src={ip}\tdst=10.0.2.{n % 250}\tusrName=u{n % 40}\tsev=6\tdevTime=Nov 27 2026 04:00:{n % 60:D2}",
            _ => $"LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src={ip}^dst=10.0.1.{n % 250}^sev=5^srcPort={1024 + n % 60000}^dstPort=21^usrName=u{n % 40}^proto=TCP^devTime=1800000000{n % 1000:D3}",
        };
    }

    /// <summary>A JSON marker event: a valid record whose id the campaign looks for in every store.</summary>
    public static byte[] Marker(string run, long n) => Encoding.UTF8.GetBytes(
        $$"""{"id":"{{MarkerId(run, n)}}","timestamp":"2026-11-27T05:00:00Z","host":"fuzz-marker-host","source_type":"{{MarkerSource}}","severity":"notice","message":"marker {{n}} of run {{run}}"}""");

    public const string MarkerSource = "fuzz-marker";

    public static string MarkerId(string run, long n) => $"fuzz-{run}-m{n}";
}
