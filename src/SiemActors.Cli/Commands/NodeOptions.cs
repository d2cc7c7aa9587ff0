using System.CommandLine;

namespace SiemActors.Cli.Commands;

/// <summary>
/// The options of the verbs that call a node (<c>--node</c>, <c>--token</c>, <c>--json</c>), taken before or after the
/// verb: <c>siemctl --node URL pipeline lag</c> and <c>siemctl pipeline lag --node URL</c> are the same call. Each exists
/// twice: on the root command, where it is read before the verb, and on each group of node verbs (recursive), where it
/// is read after; the help of the other verbs does not list them, and those verbs refuse them.
/// </summary>
internal sealed class NodeOptions
{
    private readonly (Option<string?> Node, Option<string?> Token, Option<bool> Json) _root = Create(recursive: false);
    private readonly (Option<string?> Node, Option<string?> Token, Option<bool> Json) _verb = Create(recursive: true);

    public string? Node(ParseResult result) => result.GetValue(_verb.Node) ?? result.GetValue(_root.Node);

    public string? Token(ParseResult result) => result.GetValue(_verb.Token) ?? result.GetValue(_root.Token);

    public bool Json(ParseResult result) => result.GetValue(_verb.Json) || result.GetValue(_root.Json);

    /// <summary>The options as read before any verb.</summary>
    public void AddTo(RootCommand root)
    {
        root.Options.Add(_root.Node);
        root.Options.Add(_root.Token);
        root.Options.Add(_root.Json);
    }

    /// <summary>The options as read after <paramref name="command"/> and its subcommands, a group of node verbs.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_verb.Node);
        command.Options.Add(_verb.Token);
        command.Options.Add(_verb.Json);
    }

    /// <summary>Makes <paramref name="command"/> (a verb that does not call a node) refuse them given before it.</summary>
    public void RefuseOn(Command command)
    {
        command.Validators.Add(result =>
        {
            foreach (var option in new Option[] { _root.Node, _root.Token, _root.Json })
            {
                if (result.GetResult(option) is { Implicit: false })
                    result.AddError($"{option.Name} applies to the verbs that call a node (cluster, actor, shards, pipeline, audit), not to '{result.Command.Name}'");
            }
        });
        foreach (var sub in command.Subcommands) RefuseOn(sub);
    }

    private static (Option<string?>, Option<string?>, Option<bool>) Create(bool recursive) => (
        new Option<string?>("--node") { Description = "the node's HTTP address (default: node.url of the state folder, else http://127.0.0.1:8080)", Recursive = recursive },
        new Option<string?>("--token") { Description = "management token (default: SIEM_MANAGEMENT_TOKEN, else management.token of the state folder)", Recursive = recursive },
        new Option<bool>("--json") { Description = "print the node's JSON answer instead of a table", Recursive = recursive });
}
