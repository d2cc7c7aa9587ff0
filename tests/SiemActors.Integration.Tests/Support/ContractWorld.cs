using System.Text;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// Traffic that exercises every store of the delivery contract at once: ordinary events (Redis, ClickHouse and the Kafka
/// output), one record in 50 that cannot be parsed (the dead-letter topic), and one in 50 a failed login from one of
/// five attackers among the first <c>attackSpan</c> records, each reaching the threshold rule's count exactly once there
/// (one alert per attacker in Redis and ClickHouse), however many records follow. Ordinary events carry the moment they
/// are produced as their time, so the nodes' <c>siem_event_latency_seconds{since="event_time"}</c> is produce → stored.
/// </summary>
public static class ContractWorld
{
    public const string Rule = "it-contract";
    public const int Attackers = 5;
    public const int Every = 50;

    private static readonly long Base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;

    /// <summary>The node config: every event to Redis and ClickHouse, sshd's also to the Kafka output (the broker keeps ~5 MiB a partition), the rule firing at the count each attacker reaches in the first <paramref name="attackSpan"/> records.</summary>
    public static string Config(int attackSpan) => $$"""
        siem.routing.rules = [ { name = "sshd-out", condition = "source == \"sshd\"", destinations = [redis, clickhouse, kafka], priority = 10 } ]
        siem.detection.rules = [
          { name = "{{Rule}}", type = threshold, severity = error, key = src_ip, window = 1h, count = {{AttacksPerAttacker(attackSpan)}},
            filter = "source == \"sshd\" and outcome == \"failure\"" }
        ]
        """;

    /// <summary>Attacks per attacker in a span of a multiple of 250 records.</summary>
    public static int AttacksPerAttacker(int attackSpan) => attackSpan / Every / Attackers;

    public static bool IsBad(int n) => n % Every == 7;

    /// <summary>Records among the first <paramref name="total"/> that cannot be parsed.</summary>
    public static int Bad(int total) => total / Every + (total % Every > 7 ? 1 : 0);

    /// <summary>Events among the first <paramref name="total"/> that go to the Kafka output too (sshd's: a third, and the attacks).</summary>
    public static int ToOutput(int total, int attackSpan) =>
        Enumerable.Range(0, total).Count(n => !IsBad(n) && (n % 3 == 1 || (n % Every == 3 && n < attackSpan)));

    /// <summary>Record n: attacks only below <paramref name="attackSpan"/>.</summary>
    public static Func<int, byte[]> Records(int attackSpan) => n =>
        IsBad(n) ? Encoding.UTF8.GetBytes($$"""{"id":"bad-{{n}}","message":"cut off""")
        : n % Every == 3 && n < attackSpan ? Encoding.UTF8.GetBytes(
            $$"""{"id":"attack-{{n}}","timestamp":{{Base + n}},"host":"bastion-{{n % 3}}","source_type":"sshd","outcome":"failure","user":"root","src_ip":"203.0.113.{{n / Every % Attackers + 1}}","message":"Failed password for root"}""")
        : PipelineHarness.Event(n, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
}
