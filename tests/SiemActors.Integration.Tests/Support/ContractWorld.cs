using System.Text;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// Traffic that exercises every store of the delivery contract at once: ordinary events (Redis, ClickHouse and the Kafka
/// output), one record in 50 that cannot be parsed (the dead-letter topic), and one in 50 a failed login from one of
/// five attackers, each reaching the threshold rule's count exactly once (one alert per attacker in Redis and ClickHouse).
/// </summary>
public static class ContractWorld
{
    public const string Rule = "it-contract";
    public const int Attackers = 5;
    public const int Every = 50;

    private static readonly long Base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;

    /// <summary>The node config: every event to every sink, the rule firing at the count each attacker reaches in <paramref name="total"/> records.</summary>
    public static string Config(int total) => $$"""
        siem.routing.default-destinations = [redis, clickhouse, kafka]
        siem.detection.rules = [
          { name = "{{Rule}}", type = threshold, severity = error, key = src_ip, window = 1h, count = {{AttacksPerAttacker(total)}},
            filter = "source == \"sshd\" and outcome == \"failure\"" }
        ]
        """;

    public static int AttacksPerAttacker(int total) => total / Every / Attackers;

    public static bool IsBad(int n) => n % Every == 7;

    public static int Bad(int total) => Enumerable.Range(0, total).Count(IsBad);

    public static byte[] Record(int n) =>
        IsBad(n) ? Encoding.UTF8.GetBytes($$"""{"id":"bad-{{n}}","message":"cut off""")
        : n % Every == 3 ? Encoding.UTF8.GetBytes(
            $$"""{"id":"attack-{{n}}","timestamp":{{Base + n}},"host":"bastion-{{n % 3}}","source_type":"sshd","outcome":"failure","user":"root","src_ip":"203.0.113.{{n / Every % Attackers + 1}}","message":"Failed password for root"}""")
        : PipelineHarness.Event(n);
}
