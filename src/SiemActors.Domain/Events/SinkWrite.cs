namespace SiemActors.Domain.Events;

/// <summary>What a sink did with a batch: how many of its events it newly wrote, and the ones it refused for their content.</summary>
public readonly record struct SinkWrite(int Written, IReadOnlyList<RefusedEvent> Refused)
{
    public static SinkWrite All(int written) => new(written, []);
}
