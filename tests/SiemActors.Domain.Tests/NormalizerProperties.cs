using System.Text;
using FsCheck.Xunit;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;
using SiemActors.Domain.Normalization;

namespace SiemActors.Domain.Tests;

/// <summary>Properties checked by FsCheck over generated inputs (shrunk to a minimal case on failure).</summary>
public sealed class NormalizerProperties
{
    private static readonly EventNormalizer Normalizer = new(NormalizerLimits.ForTests);
    private static readonly KafkaOrigin Origin = new("siem-events", 0, 0);

    private static bool ParsesOrGivesAReason(byte[] input)
    {
        var result = Normalizer.Normalize(input, Origin, 1_800_000_000_000, 1_800_000_000_000);
        return result.IsEvent ^ (result.Rejection is not null) && (result.Rejection is null || result.Rejection.Reason.Length > 0);
    }

    [Property(MaxTest = 2_000)]
    public bool Arbitrary_bytes_never_throw_and_either_parse_or_give_a_reason(byte[] input) => ParsesOrGivesAReason(input ?? []);

    [Property(MaxTest = 2_000)]
    public bool Arbitrary_text_behind_each_format_prefix_never_throws(string tail, byte prefix)
    {
        string[] prefixes = ["{", "{\"message\":", "<34>1 ", "<34>Nov 27 04:00:01 ", "CEF:0|", "LEEF:2.0|", "<134>Nov 27 04:00:01 h CEF:0|", "<13>1 - - - - - ["];
        return ParsesOrGivesAReason(Encoding.UTF8.GetBytes(prefixes[prefix % prefixes.Length] + (tail ?? "")));
    }

    [Property(MaxTest = 500)]
    public bool Printing_a_filter_and_parsing_it_again_gives_the_same_AST(int seed)
    {
        var expr = FilterLanguageTests.RandomFilter(new Random(seed), depth: 4);
        return FilterParser.Parse(FilterPrinter.Print(expr)) == expr;
    }
}
