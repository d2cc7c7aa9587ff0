namespace SiemActors.Detection.Rules;

/// <summary>The patterns a detection rule can look for (docs/detections.md).</summary>
public enum RuleKind
{
    /// <summary>At least <c>count</c> matching events per key within <c>window</c>.</summary>
    Threshold,

    /// <summary>At least <c>count</c> distinct values of a field per key within <c>window</c>.</summary>
    Distinct,

    /// <summary>At least <c>first-count</c> events matching <c>first</c>, then one matching <c>then</c>, within <c>window</c>.</summary>
    Sequence,

    /// <summary>A key that sent at least <c>count</c> events within <c>window</c> then nothing for <c>window</c>.</summary>
    Absence,
}
