using Akka.Configuration;
using SiemActors.Api;
using SiemActors.Auth;
using SiemActors.Detection.Rules;
using SiemActors.Kafka.Settings;
using SiemActors.Management;
using SiemActors.Persistence.Redis;
using SiemActors.Pipeline;
using SiemActors.Pipeline.DeadLetters;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests.Settings;

/// <summary>
/// Every default is written once, in its library's reference.conf, and means something: for each settings type, each
/// scalar key of its reference.conf is changed alone, and the settings read from it must differ (or be refused) —
/// a key nobody reads (as the producer's close-timeout once was) or a value the code overrides with its own default
/// fails here. Keys read by something other than the settings type are listed with their reader.
/// </summary>
public sealed class ReferenceDefaultsTests(ITestOutputHelper output)
{
    private sealed record Library(string Name, Config Reference, string[] Roots, Func<Config, object> Read, Dictionary<string, string> ReadElsewhere);

    private static Config Resource(string name, Type type) => ConfigurationFactory.FromResource(name, type.Assembly);

    public static TheoryData<string> Libraries => new(All.Select(l => l.Name));

    private static readonly Library[] All =
    [
        new("kafka consumer", Resource("SiemActors.Kafka.reference.conf", typeof(CommitterSettings)), ["akka.kafka.consumer"],
            c => ConsumerSettings<byte[], byte[]>.Create(c, null, null), []),
        new("kafka producer", Resource("SiemActors.Kafka.reference.conf", typeof(CommitterSettings)), ["akka.kafka.producer"],
            c => ProducerSettings<byte[], byte[]>.Create(c, null, null), []),
        new("kafka committer", Resource("SiemActors.Kafka.reference.conf", typeof(CommitterSettings)), ["akka.kafka.committer"],
            CommitterSettings.Create, []),
        new("pipeline", ConfigurationFactory.ParseString("siem.kafka.topics { events.name = e, dead-letter.name = d, processed.name = p }")
                .WithFallback(Resource("SiemActors.Pipeline.reference.conf", typeof(PipelineSettings))),
            ["siem.pipeline", "siem.kafka", "siem.dead-letter", "siem.normalize", "siem.routing"],
            c => new { Pipeline = PipelineSettings.Create(c), DeadLetters = DeadLetterSettings.Create(c) }, []),
        new("redis sink", Resource("SiemActors.Sinks.Redis.reference.conf", typeof(RedisSinkSettings)), ["siem.sinks.redis"], RedisSinkSettings.Create, []),
        new("clickhouse sink", Resource("SiemActors.Sinks.ClickHouse.reference.conf", typeof(ClickHouseSinkSettings)), ["siem.sinks.clickhouse"],
            ClickHouseSinkSettings.Create, []),
        new("api", Resource("SiemActors.Api.reference.conf", typeof(ApiSettings)), ["siem.api"], ApiSettings.Create, []),
        new("auth", Resource("SiemActors.Auth.reference.conf", typeof(JwtSettings)), ["siem.api.auth"], JwtSettings.FromConfig, []),
        new("management", Resource("SiemActors.Management.reference.conf", typeof(ManagementSettings)), ["siem.management", "siem.metrics"],
            ManagementSettings.Create, []),
        new("detection", Resource("SiemActors.Detection.reference.conf", typeof(DetectionSettings)), ["siem.detection"], DetectionSettings.Create, []),
        new("persistence", RedisPluginSettings.DefaultConfig, ["akka.persistence.journal.redis", "akka.persistence.snapshot-store.redis"],
            c => new
            {
                Journal = RedisPluginSettings.Journal(c.GetConfig("akka.persistence.journal.redis")),
                Snapshots = RedisPluginSettings.SnapshotStore(c.GetConfig("akka.persistence.snapshot-store.redis")),
            },
            new()
            {
                ["akka.persistence.journal.redis.class"] = "Akka.Persistence (the plugin's type)",
                ["akka.persistence.journal.redis.plugin-dispatcher"] = "Akka.Persistence",
                ["akka.persistence.snapshot-store.redis.class"] = "Akka.Persistence (the plugin's type)",
                ["akka.persistence.snapshot-store.redis.plugin-dispatcher"] = "Akka.Persistence",
            }),
    ];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Every_key_of_the_reference_conf_changes_what_the_settings_read(string name)
    {
        var library = All.Single(l => l.Name == name);
        var baseline = SettingsWalker.Describe(library.Read(library.Reference));
        var keys = library.Roots.SelectMany(root => SettingsWalker.ScalarKeys(library.Reference, root)).Distinct().ToList();
        Assert.NotEmpty(keys);
        var unread = new List<string>();
        foreach (var (path, value) in keys)
        {
            if (library.ReadElsewhere.ContainsKey(path.Replace("\"", ""))) continue;
            var changed = SettingsWalker.Changed(value);
            var config = ConfigurationFactory.ParseString($"{path} = \"{changed}\"").WithFallback(library.Reference);
            string after;
            try
            {
                after = SettingsWalker.Describe(library.Read(config));
            }
            catch (Exception ex)
            {
                output.WriteLine($"{path} = {changed}: refused ({ex.GetType().Name}: {ex.Message})");
                continue;
            }
            if (after == baseline) unread.Add($"{path} (default {value}, changed to {changed})");
        }
        output.WriteLine($"{keys.Count} keys of {name}");
        Assert.True(unread.Count == 0, $"keys of {name}'s reference.conf the settings do not read:\n  " + string.Join("\n  ", unread));
    }
}
