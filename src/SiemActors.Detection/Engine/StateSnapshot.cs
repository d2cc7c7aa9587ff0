using SiemActors.Domain.Alerts;

namespace SiemActors.Detection.Engine;

/// <summary>A detection entity's whole state, as its snapshot stores it (JSON, <see cref="Entity.DetectionSerializer"/>).</summary>
public sealed record StateSnapshot(
    Dictionary<int, long> Applied,
    long Watermark,
    long LastActivity,
    List<Alert> Outbox,
    List<WindowSnapshot> Windows) : Entity.IDetectionMessage;
