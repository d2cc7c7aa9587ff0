using SiemActors.Node;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>The node's settings: command line over environment over --config files over hocon/siem.conf.</summary>
public sealed class NodeSettingsPrecedenceTests
{
    private static Func<string, string?> Env(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);

    private static string ConfigFile(string hocon)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("siem-node-config-").FullName, "node.conf");
        File.WriteAllText(file, hocon);
        return file;
    }

    [Fact]
    public void Without_overrides_the_shipped_config_applies()
    {
        var node = NodeConfig.FromCommandLine(["--bootstrap-servers", "k:9092"], Env([]));
        Assert.Equal(["ingest", "transform", "api"], node.Roles);
        Assert.Equal(4053, node.Port);
        Assert.Equal(["akka.tcp://siem@127.0.0.1:4053"], node.SeedNodes);
        Assert.Equal(8080, SiemActors.Api.ApiSettings.Create(node.Hocon).Port); // the api library's default
    }

    [Fact]
    public void Environment_overrides_files_and_the_command_line_overrides_both()
    {
        var file = ConfigFile("siem.node { port = 5000, roles = [api] }\nsiem.api.http.port = 9000\nsiem.kafka.bootstrap-servers = \"file:9092\"");
        var env = Env(new()
        {
            ["SIEM_PORT"] = "6000", ["SIEM_ROLES"] = "ingest, transform", ["SIEM_SEED_NODES"] = "akka.tcp://siem@a:1,akka.tcp://siem@b:2",
            ["SIEM_KAFKA_BOOTSTRAP"] = "env:9092",
        });

        var fromEnvironment = NodeConfig.FromCommandLine(["--config", file], env);
        Assert.Equal(6000, fromEnvironment.Port);
        Assert.Equal(["ingest", "transform"], fromEnvironment.Roles);
        Assert.Equal(["akka.tcp://siem@a:1", "akka.tcp://siem@b:2"], fromEnvironment.SeedNodes);
        Assert.Equal(9000, fromEnvironment.Hocon.GetInt("siem.api.http.port"));
        Assert.Equal("env:9092", fromEnvironment.BootstrapServers);

        var fromCommandLine = NodeConfig.FromCommandLine(
            ["--config", file, "--port", "7000", "--roles", "api", "--seed", "akka.tcp://siem@c:3", "--seed", "akka.tcp://siem@d:4", "--http-port", "0"], env);
        Assert.Equal(7000, fromCommandLine.Port);
        Assert.Equal(["api"], fromCommandLine.Roles);
        Assert.Equal(["akka.tcp://siem@c:3", "akka.tcp://siem@d:4"], fromCommandLine.SeedNodes);
        Assert.Equal(0, fromCommandLine.Hocon.GetInt("siem.api.http.port"));
        Assert.Equal("env:9092", fromCommandLine.BootstrapServers);
    }

    [Theory]
    [InlineData("--port", "70000", "--port must be a port number")]
    [InlineData("--colour", "blue", "unknown option --colour")]
    [InlineData("--http-port", "eighty", "--http-port must be a port number")]
    public void Bad_options_stop_the_node_with_a_message_naming_them(string option, string value, string message)
    {
        var error = Assert.Throws<NodeConfigException>(() => NodeConfig.FromCommandLine([option, value, "--bootstrap-servers", "k:9092"], Env([])));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_bad_environment_value_names_the_variable()
    {
        var error = Assert.Throws<NodeConfigException>(() => NodeConfig.FromCommandLine(["--bootstrap-servers", "k:9092"], Env(new() { ["SIEM_PORT"] = "x" })));
        Assert.Contains("SIEM_PORT", error.Message);
    }
}
