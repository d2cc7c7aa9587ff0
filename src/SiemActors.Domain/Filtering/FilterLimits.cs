namespace SiemActors.Domain.Filtering;

/// <summary>
/// What a filter may not exceed: its length in characters, how deep parentheses and <c>not</c> nest, and how many
/// conditions it holds (a chain of <c>or</c> is as deep a tree as nesting). A filter comes from an analyst's browser or
/// script: without bounds, one deep enough would overflow the stack of the process that parses, compiles or translates it.
/// </summary>
public sealed record FilterLimits(int MaxLength, int MaxDepth, int MaxConditions)
{
    /// <summary>4096 characters, 32 levels, 256 conditions: room for any filter a person writes.</summary>
    public static FilterLimits Default { get; } = new(4096, 32, 256);
}
