using Xunit;

namespace SiemActors.Ui.Tests;

/// <summary>The tests that start scripts/run.sh, one at a time (<see cref="RunScript"/>).</summary>
[CollectionDefinition(Name)]
public sealed class RunScriptCollection
{
    public const string Name = "scripts/run.sh";
}
