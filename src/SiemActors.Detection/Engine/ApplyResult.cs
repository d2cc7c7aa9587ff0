using SiemActors.Domain.Alerts;

namespace SiemActors.Detection.Engine;

/// <summary>What applying a batch of facts did: new alerts, and how many facts counted, were replays or were late.</summary>
public sealed record ApplyResult(IReadOnlyList<Alert> Alerts, int Applied, int Duplicates, int Late, long Dropped)
{
    public static readonly ApplyResult None = new([], 0, 0, 0, 0);
}
