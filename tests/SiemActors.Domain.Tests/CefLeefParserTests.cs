using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using Xunit;

namespace SiemActors.Domain.Tests;

public sealed class CefLeefParserTests
{
    private static readonly KafkaOrigin Origin = new("siem-events", 2, 9);
    private static readonly long RecordTime = DateTimeOffset.Parse("2026-11-27T05:00:00Z").ToUnixTimeMilliseconds();
    private readonly EventNormalizer _normalizer = new(NormalizerLimits.ForTests);

    private SecurityEvent Parse(string line)
    {
        var result = _normalizer.Normalize(Encoding.UTF8.GetBytes(line), Origin, RecordTime, RecordTime);
        Assert.True(result.IsEvent, $"dead-lettered: {result.Rejection}");
        return result.Event!;
    }

    private DeadLetter Reject(string line) => _normalizer.Normalize(Encoding.UTF8.GetBytes(line), Origin, RecordTime, RecordTime).Rejection!;

    [Fact]
    public void The_CEF_specification_example_maps_header_and_standard_keys()
    {
        var e = Parse("CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232");
        Assert.Equal("threatmanager", e.Source);
        Assert.Equal(Severity.Alert, e.Severity);
        Assert.Equal(("10.0.0.1", "2.1.2.2", 1232), (e.SrcIp, e.DstIp, e.SrcPort!.Value));
        Assert.Equal("worm successfully stopped", e.Message);
        Assert.Equal(("Security", "100", "0"), (e.Attributes["cef.vendor"], e.Attributes["cef.signature"], e.Attributes["cef.version"]));
        Assert.Equal(RecordTime, e.Timestamp);
    }

    [Fact]
    public void CEF_escapes_in_the_header_and_in_extension_values()
    {
        var pipe = Parse("CEF:0|security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1");
        Assert.Equal("detected a | in message", pipe.Attributes["cef.name"]);
        Assert.Equal("blocked a |", pipe.Action);
        Assert.Equal("1.1.1.1", pipe.DstIp);

        var backslash = Parse("CEF:0|security|threatmanager|1.0|100|detected a \\\\ in packet|10|src=10.0.0.1 act=blocked a \\\\ dst=1.1.1.1");
        Assert.Equal("detected a \\ in packet", backslash.Attributes["cef.name"]);
        Assert.Equal("blocked a \\", backslash.Action);

        var equals = Parse("CEF:0|security|threatmanager|1.0|100|detected a = in message|10|src=10.0.0.1 act=blocked a \\= dst=1.1.1.1");
        Assert.Equal("blocked a =", equals.Action);

        var lines = Parse("CEF:0|security|threatmanager|1.0|100|x|10|msg=Detected a threat.\\n No action needed. suser=bob");
        Assert.Equal("Detected a threat.\n No action needed.", lines.Message);
        Assert.Equal("bob", lines.User);
    }

    [Fact]
    public void CEF_is_scanned_as_bytes_and_keeps_multi_byte_text_whole_around_escapes()
    {
        var e = Parse("""CEF:0|Vendör|Prödukt \\ X|1.0|100|Nâme \| ü|5|msg=Grüße\=ok \\ ñ suser=José cs1Label=Règle cs1=dénié\nzwei label=solo""");
        Assert.Equal(@"Prödukt \ X", e.Attributes["cef.product"]);
        Assert.Equal("Nâme | ü", e.Attributes["cef.name"]);
        Assert.Equal(@"Grüße=ok \ ñ", e.Message);
        Assert.Equal("José", e.User);
        Assert.Equal("dénié\nzwei", e.Attributes["Règle"]);
        Assert.Equal("solo", e.Attributes["label"]);
        Assert.False(e.Attributes.ContainsKey("cs1Label"));

        // A label without its value stays an attribute of its own.
        var orphan = Parse("CEF:0|V|P|1|1|n|5|cs2Label=unused suser=x");
        Assert.Equal("unused", orphan.Attributes["cs2Label"]);
    }

    [Fact]
    public void CEF_custom_fields_take_their_labels_and_unknown_keys_stay_as_they_are()
    {
        var e = Parse("CEF:0|Acme|IDS|2.1|4001|Port scan|High|cs1Label=rule cs1=Block-SSH cn1Label=hits cn1=42 proto=TCP rt=1800000000123 request=/admin?x=1");
        Assert.Equal("Block-SSH", e.Attributes["rule"]);
        Assert.Equal("42", e.Attributes["hits"]);
        Assert.False(e.Attributes.ContainsKey("cs1"));
        Assert.False(e.Attributes.ContainsKey("cs1Label"));
        Assert.Equal("TCP", e.Attributes["proto"]);
        Assert.Equal("/admin?x=1", e.Attributes["request"]);
        Assert.Equal(1_800_000_000_123, e.Timestamp);
        Assert.Equal(Severity.Error, e.Severity);
    }

    [Fact]
    public void CEF_inside_syslog_takes_the_syslog_host_and_time_where_it_has_none()
    {
        var e = Parse("<134>Nov 27 04:00:01 fw-01 CEF:0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|end|3|src=10.1.1.1 dst=8.8.8.8 spt=51514 dpt=53 act=allow suser=corp\\\\alice");
        Assert.Equal("fw-01", e.Host);
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T04:00:01Z").ToUnixTimeMilliseconds(), e.Timestamp);
        Assert.Equal("PAN-OS", e.Source);
        Assert.Equal(Severity.Notice, e.Severity);
        Assert.Equal(("allow", "corp\\alice", 53), (e.Action, e.User, e.DstPort!.Value));
        Assert.Equal("local0", e.Attributes["syslog.facility"]);
        Assert.StartsWith("<134>Nov 27", Encoding.UTF8.GetString(e.Raw.Span));

        var withHost = Parse("<134>Nov 27 04:00:01 relay CEF:0|V|P|1|1|n|1|dvchost=real-host");
        Assert.Equal("real-host", withHost.Host);
    }

    [Fact]
    public void LEEF_1_is_tab_separated_and_maps_its_standard_keys()
    {
        var e = Parse("LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.1\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black\tproto=TCP");
        Assert.Equal("MSExchange", e.Source);
        Assert.Equal(("192.0.2.1", "172.50.123.1", 81, 21), (e.SrcIp, e.DstIp, e.SrcPort!.Value, e.DstPort!.Value));
        Assert.Equal(("anomaly", "joe.black"), (e.Category, e.User));
        Assert.Equal(Severity.Warning, e.Severity);
        Assert.Equal("TCP", e.Attributes["proto"]);
        Assert.Equal("15345", e.Attributes["leef.event_id"]);
    }

    [Theory]
    [InlineData("^", "^")]
    [InlineData("0x7C", "|")]
    [InlineData("x09", "\t")]
    public void LEEF_2_names_its_delimiter_as_a_character_or_in_hex(string spec, string delimiter)
    {
        var attributes = string.Join(delimiter, "src=10.0.1.8", "dst=10.0.0.5", "sev=9", "devTime=Nov 27 2026 04:00:01", "usrName=eve");
        var e = Parse($"LEEF:2.0|Lancope|StealthWatch|1.0|41|{spec}|{attributes}");
        Assert.Equal(("10.0.1.8", "10.0.0.5", "eve"), (e.SrcIp, e.DstIp, e.User));
        Assert.Equal(Severity.Critical, e.Severity);
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T04:00:01Z").ToUnixTimeMilliseconds(), e.Timestamp);
    }

    [Theory]
    [InlineData("CEF:0|only|three", DeadLetter.BadCef, "2 of 7")]
    [InlineData("LEEF:1.0|V|P", DeadLetter.BadLeef, "needs 5")]
    [InlineData("LEEF:2.0|V|P|1|E|toolong|a=b", DeadLetter.BadLeef, "not a delimiter")]
    public void Malformed_headers_are_dead_lettered_with_the_reason(string line, string reason, string detail)
    {
        var rejection = Reject(line);
        Assert.Equal(reason, rejection.Reason);
        Assert.Contains(detail, rejection.Detail);
    }

    [Fact]
    public void Mutated_CEF_and_LEEF_never_throw() =>
        Mutations.NeverThrow(_normalizer, 20261127, 30_000,
            "CEF:0|Acme|IDS|2.1|4001|Port scan|High|cs1Label=rule cs1=Block\\=SSH src=10.0.0.1 msg=a\\nb rt=Nov 27 2026 04:00:01",
            "<134>Nov 27 04:00:01 fw-01 CEF:0|V|P|1|1|n|5|src=1.2.3.4 dpt=53",
            "LEEF:2.0|Lancope|StealthWatch|1.0|41|0x5E|src=10.0.1.8^dst=10.0.0.5^sev=5",
            "LEEF:1.0|M|X|4|1|src=192.0.2.1\tsev=12\tdevTime=x");
}
