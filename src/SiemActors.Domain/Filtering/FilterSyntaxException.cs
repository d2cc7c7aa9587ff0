namespace SiemActors.Domain.Filtering;

/// <summary>A filter that does not parse: where (0-based character position) and what was expected there.</summary>
public sealed class FilterSyntaxException(int position, string message)
    : Exception($"at position {position}: {message}")
{
    public int Position => position;

    public string Reason => message;
}
