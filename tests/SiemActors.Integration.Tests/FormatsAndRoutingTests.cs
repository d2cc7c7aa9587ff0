using System.Text;
using System.Text.Json;
using SiemActors.Integration.Tests.Support;
using Xunit;

namespace SiemActors.Integration.Tests;

public sealed class FormatsAndRoutingTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    private const string Routing = """
        siem.routing {
          rules = [
            { name = "noise", condition = "severity == debug", drop = true, priority = 100 }
            { name = "auth", condition = "source == \"sshd\" or category == \"authentication\"", destinations = [redis, clickhouse, kafka], priority = 10 }
          ]
          default-destinations = [clickhouse]
        }
        """;

    [Fact]
    public async Task A_topic_mixing_every_format_and_garbage_stores_each_good_event_where_its_rule_says_and_dead_letters_the_rest()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, Routing);
        string[] lines =
        [
            // auth rule → Redis, ClickHouse, Kafka output
            "<38>1 2026-11-27T04:00:01.5Z bastion-01 sshd 4242 - - Failed password for root from 203.0.113.5 port 22 ssh2",
            "<38>Nov 27 04:00:02 bastion-01 sshd[4242]: Accepted publickey for alice from 10.0.0.7",
            """{"id":"win-4625","host":"dc-01","source_type":"windows","category":"authentication","severity":"warning","message":"An account failed to log on","user":"bob"}""",
            // default → ClickHouse only
            "CEF:0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|end|3|src=10.1.1.1 dst=8.8.8.8 spt=51514 dpt=53 act=allow",
            "<134>Nov 27 04:00:03 fw-01 CEF:0|Fortinet|FortiGate|7.0|0001|deny|7|src=198.51.100.9 dst=10.0.0.5 dpt=3389 act=deny",
            "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^usrName=eve",
            """{"id":"web-1","host":"web-01","source_type":"nginx","severity":"informational","message":"GET /admin 403"}""",
            // noise rule → dropped
            """{"id":"dns-1","host":"dns-01","source_type":"dns","severity":"debug","message":"query example.com"}""",
            "<15>1 2026-11-27T04:00:04Z dns-02 named - - - debug chatter",
            // garbage → dead letters
            "GET / HTTP/1.1",
            "CEF:0|broken",
            "<38>1 2026-11-27T04:00:05Z h app - - [unclosed",
        ];
        await harness.ProduceRawAsync(5, lines.Select(Encoding.UTF8.GetBytes).ToArray());

        var node = harness.StartNode();
        await harness.UntilAllStored(7, TimeSpan.FromMinutes(2));
        var output = harness.ReadTopic(PipelineHarness.Processed, 3, TimeSpan.FromSeconds(30));
        var dead = harness.DeadLettered(3, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        var stored = await harness.Query($"SELECT source, host, severity, user, src_ip, dst_port, message FROM {harness.Database}.siem_events FINAL ORDER BY offset FORMAT TabSeparated");
        Assert.Equal(string.Join('\n',
            "sshd\tbastion-01\t6\t\t\t\\N\tFailed password for root from 203.0.113.5 port 22 ssh2",
            "sshd\tbastion-01\t6\t\t\t\\N\tAccepted publickey for alice from 10.0.0.7",
            "windows\tdc-01\t4\tbob\t\t\\N\tAn account failed to log on",
            "PAN-OS\tunknown\t5\t\t10.1.1.1\t53\tend",
            "FortiGate\tfw-01\t3\t\t198.51.100.9\t3389\tdeny",
            "StealthWatch\tunknown\t4\teve\t10.0.1.8\t\\N\t41",
            "nginx\tweb-01\t6\t\t\t\\N\tGET /admin 403") + "\n", stored);

        var (redisIds, redisEvents) = await harness.RedisCounts();
        Assert.Equal((3L, 3L), (redisIds, redisEvents));
        Assert.Equal(3, output.Count);
        var outputIds = output.Select(r => JsonDocument.Parse(r.Message.Value!).RootElement.GetProperty("event_id").GetString()).Order().ToList();
        Assert.Equal(["siem-events-5-0", "siem-events-5-1", "win-4625"], outputIds);
        Assert.Equal(["bastion-01", "bastion-01", "dc-01"], output.Select(r => Encoding.UTF8.GetString(r.Message.Key!)).Order());

        Assert.Equal(3, dead.Count);
        Assert.Equal(["bad-cef", "bad-syslog", "unknown-format"], dead.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("siem.dlq.reason"))).Order());
        Assert.Equal(harness.EndOffsets(), harness.Committed());
    }
}
