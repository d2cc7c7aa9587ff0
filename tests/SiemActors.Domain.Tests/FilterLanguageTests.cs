using System.Net;
using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;
using Xunit;

namespace SiemActors.Domain.Tests;

public sealed class FilterLanguageTests
{
    private static readonly long Now = DateTimeOffset.Parse("2026-11-27T05:00:00Z").ToUnixTimeMilliseconds();

    private static SecurityEvent Event(Action<Dictionary<string, object?>>? with = null)
    {
        var f = new Dictionary<string, object?>
        {
            ["source"] = "firewall", ["host"] = "fw-01", ["severity"] = Severity.Warning, ["src_ip"] = "10.1.2.3", ["dst_port"] = 53,
            ["message"] = "DENY tcp: access denied", ["timestamp"] = Now - 60_000, ["tags"] = new[] { "edge" },
        };
        with?.Invoke(f);
        return new SecurityEvent
        {
            EventId = "e1", Timestamp = (long)f["timestamp"]!, IngestedAt = Now, Source = (string)f["source"]!, Host = (string)f["host"]!,
            Severity = (Severity)f["severity"]!, SrcIp = (string?)f["src_ip"], DstPort = (int?)f["dst_port"], Message = (string)f["message"]!,
            User = (string?)f.GetValueOrDefault("user"), Tags = (string[])f["tags"]!,
            Attributes = new Dictionary<string, string> { ["rule"] = "block-dns" }, Raw = Encoding.UTF8.GetBytes("{}"),
            Origin = new KafkaOrigin("siem-events", 3, 42),
        };
    }

    private static bool Matches(string filter, SecurityEvent e) => FilterPredicate.Compile(filter, () => Now)(e);

    [Theory]
    [InlineData(100_000)]
    [InlineData(33)]
    public void Nesting_past_the_limit_is_an_error_with_a_position_never_a_stack_overflow(int depth)
    {
        var parens = new string('(', depth) + "true" + new string(')', depth);
        var limits = new FilterLimits(1_000_000, 32, 256);
        var ex = Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(parens, FilterFields.Events, limits));
        Assert.Equal(32, ex.Position);
        var nots = string.Concat(Enumerable.Repeat("not ", depth)) + "true";
        Assert.Contains("deeper than 32", Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(nots, FilterFields.Events, limits)).Reason);
        Assert.NotNull(FilterParser.Parse(new string('(', 32) + "true" + new string(')', 32), FilterFields.Events, limits));
    }

    [Fact]
    public void Long_filters_and_long_chains_of_conditions_are_errors()
    {
        Assert.Contains("limit is 4096", Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(new string(' ', 4097) + "true")).Reason);
        var chain = string.Join(" or ", Enumerable.Repeat("severity == 3", 257));
        Assert.Contains("more than 256 conditions", Assert.Throws<FilterSyntaxException>(() =>
            FilterParser.Parse(chain, FilterFields.Events, new FilterLimits(100_000, 32, 256))).Reason);
        Assert.NotNull(FilterPredicate.Compile(FilterParser.Parse(string.Join(" or ", Enumerable.Repeat("severity == 3", 256)), FilterFields.Events,
            new FilterLimits(100_000, 32, 256))));
    }

    [Fact]
    public void The_design_example_matches_what_it_says()
    {
        const string filter = """severity >= warning and source == "firewall" and src_ip in 10.0.0.0/8 and message contains "denied" """;
        Assert.True(Matches(filter, Event()));
        Assert.False(Matches(filter, Event(f => f["severity"] = Severity.Notice)));
        Assert.True(Matches(filter, Event(f => f["severity"] = Severity.Emergency)));
        Assert.False(Matches(filter, Event(f => f["src_ip"] = "192.168.1.1")));
        Assert.False(Matches(filter, Event(f => f["message"] = "allowed")));
    }

    [Theory]
    [InlineData("source == \"x\" or host == \"fw-01\" and dst_port == 53", true)]
    [InlineData("(source == \"x\" or host == \"fw-01\") and dst_port == 54", false)]
    [InlineData("not source == \"x\" and not dst_port == 54", true)]
    [InlineData("not (source == \"firewall\" or false)", false)]
    [InlineData("true", true)]
    [InlineData("dst_port in (22, 53, 443)", true)]
    [InlineData("host in (\"a\", 'fw-01')", true)]
    [InlineData("tags contains \"edge\"", true)]
    [InlineData("attributes.rule == \"block-dns\" and attributes.missing == \"\"", true)]
    [InlineData("user == \"\"", true)]
    [InlineData("src_port != 1", false)]
    [InlineData("severity == 4 and severity == warn and severity < error", true)]
    [InlineData("timestamp > now-15m and timestamp < now and ingested_at <= now", true)]
    [InlineData("timestamp > now-30s", false)]
    [InlineData("timestamp >= 2026-11-27T04:59:00Z and timestamp < '2026-11-27T05:00:00Z'", true)]
    [InlineData("message matches /^DENY (tcp|udp):/ and host startswith \"fw-\"", true)]
    [InlineData("src_ip == 10.1.2.3 and src_ip in 10.1.2.0/24 and not src_ip in 10.1.3.0/24", true)]
    [InlineData("topic == \"siem-events\" and partition == 3 and offset >= 42", true)]
    public void Operators_precedence_and_absent_fields(string filter, bool expected) => Assert.Equal(expected, Matches(filter, Event()));

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("colour == \"red\"", 0, "unknown field 'colour'")]
    [InlineData("source = \"x\"", 7, "use == or !=")]
    [InlineData("source ==", 9, "expected a value")]
    [InlineData("source == \"open", 10, "not closed")]
    [InlineData("severity >= loud", 12, "expected a severity")]
    [InlineData("dst_port > abc", 11, "whole number")]
    [InlineData("message > \"x\"", 8, "does not apply to message")]
    [InlineData("src_ip in 300.0.0.0/8", 10, "expected a network")]
    [InlineData("src_ip == not-an-ip", 10, "not an IP address")]
    [InlineData("(source == \"x\"", 14, "expected ')'")]
    [InlineData("source == \"x\" host == \"y\"", 14, "expected and, or, or the end")]
    [InlineData("timestamp > now-15x", 12, "now-N")]
    [InlineData("timestamp > now-99999999999999d", 12, "further from now than a time can be")]
    [InlineData("message matches /(a)\\1/", 16, "not a supported regular expression")]
    [InlineData("tags == \"x\"", 5, "tags are tested with contains")]
    public void Errors_name_the_position_and_what_was_expected(string filter, int position, string expected)
    {
        var error = Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(filter));
        Assert.Equal(position, error.Position);
        Assert.Contains(expected, error.Reason);
    }

    [Fact]
    public void Printing_and_parsing_again_gives_the_same_AST_for_generated_filters()
    {
        var random = new Random(6);
        for (var i = 0; i < 2_000; i++)
        {
            var expr = RandomFilter(random, depth: 4);
            var printed = FilterPrinter.Print(expr);
            var reparsed = FilterParser.Parse(printed);
            Assert.True(expr == reparsed, $"{printed}\n reparsed as\n{FilterPrinter.Print(reparsed)}");
        }
    }

    internal static FilterExpr RandomFilter(Random r, int depth)
    {
        if (depth > 0 && r.Next(3) == 0)
        {
            return r.Next(3) switch
            {
                0 => new FilterExpr.And(RandomFilter(r, depth - 1), RandomFilter(r, depth - 1)),
                1 => new FilterExpr.Or(RandomFilter(r, depth - 1), RandomFilter(r, depth - 1)),
                _ => new FilterExpr.Not(RandomFilter(r, depth - 1)),
            };
        }
        var text = new[] { "plain", "with \"quotes\"", "back\\slash", "it's", "", "ünï", "a/b" }[r.Next(7)];
        var ops = Enum.GetValues<CompareOp>();
        return r.Next(10) switch
        {
            0 => new FilterExpr.Constant(r.Next(2) == 0),
            1 => new FilterExpr.Compare(FilterField.Find(new[] { "source", "host", "message", "attributes.rule" }[r.Next(4)])!,
                r.Next(2) == 0 ? CompareOp.Equal : CompareOp.NotEqual, new FilterValue.Text(text)),
            2 => new FilterExpr.Compare(FilterField.Find("severity")!, ops[r.Next(ops.Length)], new FilterValue.Severity((Severity)r.Next(8))),
            3 => new FilterExpr.Compare(FilterField.Find("dst_port")!, ops[r.Next(ops.Length)], new FilterValue.Number(r.Next(-5, 70_000))),
            4 => new FilterExpr.Compare(FilterField.Find("timestamp")!, ops[r.Next(ops.Length)],
                r.Next(2) == 0 ? new FilterValue.Time(Now + r.Next(-1_000_000, 1_000_000)) : new FilterValue.RelativeTime(TimeSpan.FromSeconds(r.Next(-9999, 9999)))),
            5 => new FilterExpr.In(FilterField.Find("src_port")!, Enumerable.Range(0, r.Next(1, 4)).Select(_ => (FilterValue)new FilterValue.Number(r.Next(65536))).ToList()),
            6 => new FilterExpr.InNetwork(FilterField.Find("src_ip")!, new IPNetwork(IPAddress.Parse(r.Next(2) == 0 ? "10.0.0.0" : "2001:db8::"), r.Next(2) == 0 ? 8 : 16)),
            7 => new FilterExpr.Text(FilterField.Find("message")!, r.Next(2) == 0 ? TextOp.Contains : TextOp.StartsWith, text),
            8 => new FilterExpr.Matches(FilterField.Find("host")!, new[] { "^fw-\\d+$", "a/b", "x\\\\y", "(tcp|udp)", "ends\\\\" }[r.Next(5)]),
            _ => new FilterExpr.Compare(FilterField.Find("src_ip")!, CompareOp.Equal, new FilterValue.Text(r.Next(2) == 0 ? "10.1.2.3" : "2001:db8::1")),
        };
    }
}
