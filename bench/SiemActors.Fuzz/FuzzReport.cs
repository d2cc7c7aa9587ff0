using System.Text;

namespace SiemActors.Fuzz;

/// <summary>What a campaign produced and where each record ended; <see cref="Failures"/> empty when every check held.</summary>
public sealed record FuzzReport(
    int Seed,
    long Records,
    long Markers,
    long Stored,
    long DeadLettered,
    IReadOnlyDictionary<string, long> DeadLetteredByReason,
    IReadOnlyDictionary<Mutation, long> ProducedByKind,
    long RawDuplicateRows,
    long CollapsedWithTwin,
    double LongestStallSeconds,
    TimeSpan Duration,
    IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;

    public string Summary()
    {
        var s = new StringBuilder();
        s.AppendLine($"fuzz seed {Seed}: {Records:N0} records ({Markers:N0} markers) in {Duration.TotalSeconds:N0} s — " +
                     $"{Stored:N0} stored, {DeadLettered:N0} dead-lettered, longest partition stall {LongestStallSeconds:N1} s, " +
                     $"{RawDuplicateRows:N0} raw duplicate rows, {CollapsedWithTwin:N0} collapsed with an identical event");
        s.AppendLine("dead-lettered by reason: " + string.Join(", ", DeadLetteredByReason.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value:N0}")));
        s.AppendLine("produced by kind: " + string.Join(", ", ProducedByKind.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value:N0}")));
        s.AppendLine(Passed ? "PASSED" : $"FAILED ({Failures.Count}):");
        foreach (var f in Failures.Take(30)) s.AppendLine("  " + f);
        return s.ToString();
    }
}
