using System.Text;
using BenchmarkDotNet.Attributes;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// Parse + normalize of one realistic message per format, through <see cref="EventNormalizer"/> (detection included),
/// one core. Allocations per event from BenchmarkDotNet's memory diagnoser.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private static readonly KafkaOrigin Origin = new("siem-events", 3, 123_456);
    private readonly EventNormalizer _normalizer = new(new NormalizerLimits(1 << 20, 256, 16));
    private byte[] _json = [], _rfc5424 = [], _rfc3164 = [], _cef = [], _leef = [];

    [GlobalSetup]
    public void Setup()
    {
        _json = Encoding.UTF8.GetBytes("""{"id":"gen-1a2b-42","timestamp":"2026-11-27T04:00:01.250Z","host":"fw-01","source_type":"firewall","severity":"warning","category":"network","action":"deny","outcome":"failure","src_ip":"10.0.0.5","src_port":51514,"dst_ip":"8.8.8.8","dst_port":53,"message":"DENY tcp 10.0.0.5:51514 -> 8.8.8.8:53","rule":"block-inbound"}""");
        _rfc5424 = Encoding.UTF8.GetBytes("<38>1 2026-11-27T04:00:01.250Z bastion-01 sshd 4242 ID47 [origin ip=\"203.0.113.5\" software=\"OpenSSH\"][meta sequenceId=\"29\"] Failed password for root from 203.0.113.5 port 51514 ssh2");
        _rfc3164 = Encoding.UTF8.GetBytes("<38>Nov 27 04:00:01 bastion-01 sshd[4242]: Failed password for invalid user admin from 203.0.113.5 port 51514 ssh2");
        _cef = Encoding.UTF8.GetBytes("CEF:0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|end|3|src=10.1.1.1 dst=8.8.8.8 spt=51514 dpt=53 proto=UDP act=allow suser=alice cs1Label=rule cs1=allow-dns rt=1800000000123");
        _leef = Encoding.UTF8.GetBytes("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21^usrName=eve^proto=TCP");
    }

    [Benchmark]
    public SecurityEvent? Json() => _normalizer.Normalize(_json, Origin, 1_800_000_000_000, 1_800_000_000_001).Event;

    [Benchmark]
    public SecurityEvent? Rfc5424() => _normalizer.Normalize(_rfc5424, Origin, 1_800_000_000_000, 1_800_000_000_001).Event;

    [Benchmark]
    public SecurityEvent? Rfc3164() => _normalizer.Normalize(_rfc3164, Origin, 1_800_000_000_000, 1_800_000_000_001).Event;

    [Benchmark]
    public SecurityEvent? Cef() => _normalizer.Normalize(_cef, Origin, 1_800_000_000_000, 1_800_000_000_001).Event;

    [Benchmark]
    public SecurityEvent? Leef() => _normalizer.Normalize(_leef, Origin, 1_800_000_000_000, 1_800_000_000_001).Event;
}
