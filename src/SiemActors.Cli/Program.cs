using System.CommandLine;
using SiemActors.Cli.Commands;
using SiemActors.Cli.Config;

var configOption = new Option<string?>("--config") { Description = $"HOCON file (default: {SiemConfig.DefaultFile} of the repository)", Recursive = true };
var stateDirOption = new Option<string?>("--state-dir") { Description = "where local state such as kafka.bootstrap lives (default: SIEM_STATE_DIR, else .siem/ of the repository)", Recursive = true };

var kafka = new Command("kafka", "The embedded Kafka broker");
kafka.Subcommands.Add(KafkaUpCommand.Create(configOption, stateDirOption));

var root = new RootCommand("siemctl: SiemActors' command line");
root.Options.Add(configOption);
root.Options.Add(stateDirOption);
var nodeOptions = new NodeOptions();
nodeOptions.AddTo(root);
foreach (var command in new[] { kafka, GenerateCommand.Create(configOption, stateDirOption), TokenCommand.Create(configOption),
             ArchiveCommand.Create(configOption, stateDirOption) })
{
    nodeOptions.RefuseOn(command);
    root.Subcommands.Add(command);
}
foreach (var command in ManagementCommands.Create(stateDirOption, nodeOptions)) root.Subcommands.Add(command);

try
{
    var parsed = root.Parse(args);
    var code = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    // A command line that did not parse has had its errors and the verb's help printed: bad usage (2), as documented.
    return parsed.Errors.Count > 0 ? ExitCodes.Usage : code;
}
catch (CliException ex)
{
    Console.Error.WriteLine($"siemctl: {ex.Message}");
    return ex.ExitCode;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    // Anything else (a store that refuses, a file it cannot read): one line, exit 1, not a crash with a stack trace.
    Console.Error.WriteLine($"siemctl: failed: {ex.GetBaseException().Message}");
    return ExitCodes.Failed;
}
