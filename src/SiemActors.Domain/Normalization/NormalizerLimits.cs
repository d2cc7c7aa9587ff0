namespace SiemActors.Domain.Normalization;

/// <summary>What an input may not exceed before it is dead-lettered instead of parsed.</summary>
/// <param name="MaxMessageBytes">Largest input accepted, in bytes.</param>
/// <param name="MaxFields">Most fields (after flattening nested objects) in one input.</param>
/// <param name="MaxDepth">Deepest nesting of objects and arrays.</param>
public sealed record NormalizerLimits(int MaxMessageBytes, int MaxFields, int MaxDepth)
{
    /// <summary>Values used by unit tests; the node reads its own from HOCON (<c>siem.normalize</c>).</summary>
    public static NormalizerLimits ForTests { get; } = new(1 << 20, 256, 16);
}
