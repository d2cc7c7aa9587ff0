using System.Net;
using System.Net.Sockets;
using Xunit;

namespace SiemActors.Cli.Tests;

/// <summary>
/// The node options (<c>--node</c>, <c>--token</c>, <c>--json</c>) before or after the verb, refused where they mean
/// nothing, and the state folder found from SIEM_STATE_DIR outside the repository. No node listens: the answer
/// "unreachable" at the address named shows which node siemctl called. The node's own answers are OperationsTests'.
/// </summary>
public sealed class NodeOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("siemctl-options-").FullName;

    [Theory]
    [InlineData("--node", "{url}", "--token", "t", "pipeline", "lag")]
    [InlineData("--json", "--node", "{url}", "--token", "t", "cluster", "show")]
    [InlineData("pipeline", "--node", "{url}", "lag", "--token", "t")]
    [InlineData("audit", "--limit", "5", "--node", "{url}", "--token", "t", "--json")]
    public async Task Node_options_are_taken_before_between_or_after_the_verb(params string[] args)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        using var siemctl = SiemctlProcess.Start(_dir, args.Select(a => a.Replace("{url}", url)).ToArray());
        Assert.Equal(3, await siemctl.ExitCode(TimeSpan.FromSeconds(60)));
        Assert.Contains($"node {url}/ unreachable: connection refused", siemctl.Output);
    }

    [Theory]
    [InlineData("--json", "--json", "token", "--user", "a")]
    [InlineData("--node", "--node", "http://127.0.0.1:1", "kafka", "up")]
    public async Task A_verb_that_calls_no_node_refuses_the_node_options_given_before_it(string option, params string[] args)
    {
        using var siemctl = SiemctlProcess.Start(_dir, args);
        Assert.Equal(2, await siemctl.ExitCode(TimeSpan.FromSeconds(60))); // bad usage
        Assert.Contains($"{option} applies to the verbs that call a node", siemctl.Output);
    }

    [Fact]
    public async Task Outside_the_repository_the_node_and_token_come_from_SIEM_STATE_DIR()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var state = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        await File.WriteAllTextAsync(Path.Combine(state, "node.url"), url + "\n");
        await File.WriteAllTextAsync(Path.Combine(state, "management.token"), "from-the-state-folder\n");
        using var siemctl = SiemctlProcess.Start(_dir, new Dictionary<string, string> { ["SIEM_STATE_DIR"] = state },
            "cluster", "show");
        Assert.Equal(3, await siemctl.ExitCode(TimeSpan.FromSeconds(60)));
        Assert.Contains($"node {url}/ unreachable", siemctl.Output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
