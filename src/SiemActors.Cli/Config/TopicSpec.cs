namespace SiemActors.Cli.Config;

/// <summary>A topic of <c>siem.kafka.topics</c>.</summary>
internal sealed record TopicSpec(string Key, string Name, int Partitions)
{
    public static IReadOnlyList<TopicSpec> From(Akka.Configuration.Config config)
    {
        const string path = "siem.kafka.topics";
        if (!config.HasPath(path)) throw new CliException($"{path} is missing from the config");
        var topics = new List<TopicSpec>();
        foreach (var (key, _) in config.GetConfig(path).AsEnumerable().Select(kv => (kv.Key.Split('.')[0], kv.Value)).DistinctBy(kv => kv.Item1))
        {
            var section = config.GetConfig($"{path}.{key}");
            var name = section.GetString("name", null) ?? throw new CliException($"{path}.{key}.name is missing");
            var partitions = section.GetInt("partitions", 0);
            if (partitions < 1) throw new CliException($"{path}.{key}.partitions must be at least 1 (got {partitions})");
            topics.Add(new TopicSpec(key, name, partitions));
        }
        return topics;
    }
}
