using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using Xunit;

namespace SiemActors.Domain.Tests;

public sealed class SyslogParserTests
{
    private static readonly KafkaOrigin Origin = new("siem-events", 1, 77);
    private static readonly long RecordTime = DateTimeOffset.Parse("2026-11-27T05:00:00Z").ToUnixTimeMilliseconds();
    private readonly EventNormalizer _normalizer = new(NormalizerLimits.ForTests);

    private SecurityEvent Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    private SecurityEvent Parse(byte[] line)
    {
        var result = _normalizer.Normalize(line, Origin, RecordTime, RecordTime + 5);
        Assert.True(result.IsEvent, $"dead-lettered: {result.Rejection}");
        return result.Event!;
    }

    private static long Ms(string iso) => DateTimeOffset.Parse(iso).ToUnixTimeMilliseconds();

    [Fact]
    public void RFC_5424_example_1_with_a_BOM_before_the_message()
    {
        var line = Encoding.UTF8.GetBytes("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ")
            .Concat(new byte[] { 0xEF, 0xBB, 0xBF }).Concat(Encoding.UTF8.GetBytes("'su root' failed for lonvick on /dev/pts/8")).ToArray();
        var e = Parse(line);

        Assert.Equal(Severity.Critical, e.Severity);
        Assert.Equal("auth", e.Attributes["syslog.facility"]);
        Assert.Equal(Ms("2003-10-11T22:14:15.003Z"), e.Timestamp);
        Assert.Equal("mymachine.example.com", e.Host);
        Assert.Equal("su", e.Source);
        Assert.Equal("su", e.Process);
        Assert.Equal("ID47", e.Attributes["syslog.msgid"]);
        Assert.False(e.Attributes.ContainsKey("syslog.procid"));
        Assert.Equal("'su root' failed for lonvick on /dev/pts/8", e.Message);
        Assert.Equal("siem-events-1-77", e.EventId);
    }

    [Fact]
    public void RFC_5424_example_2_with_microseconds_and_an_offset()
    {
        var e = Parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
        Assert.Equal(Ms("2003-08-24T12:14:15Z"), e.Timestamp);
        Assert.Equal(Severity.Notice, e.Severity);
        Assert.Equal("local4", e.Attributes["syslog.facility"]);
        Assert.Equal("8710", e.Attributes["syslog.procid"]);
        Assert.Equal("%% It's time to make the do-nuts.", e.Message);
    }

    [Fact]
    public void RFC_5424_examples_3_and_4_structured_data_lands_in_attributes()
    {
        var e = Parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" " +
                      "eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
        Assert.Equal("3", e.Attributes["sd.exampleSDID@32473.iut"]);
        Assert.Equal("Application", e.Attributes["sd.exampleSDID@32473.eventSource"]);
        Assert.Equal("1011", e.Attributes["sd.exampleSDID@32473.eventID"]);
        Assert.Equal("high", e.Attributes["sd.examplePriority@32473.class"]);
        Assert.Equal("", e.Message);
    }

    [Fact]
    public void RFC_5424_escapes_in_parameter_values_and_NILVALUE_everywhere()
    {
        var e = Parse("<13>1 - - - - - [x@1 q=\"say \\\"hi\\\"\" b=\"back\\\\slash\" c=\"br\\]acket\" d=\"keep \\n as is\"] msg");
        Assert.Equal("say \"hi\"", e.Attributes["sd.x@1.q"]);
        Assert.Equal("back\\slash", e.Attributes["sd.x@1.b"]);
        Assert.Equal("br]acket", e.Attributes["sd.x@1.c"]);
        Assert.Equal("keep \\n as is", e.Attributes["sd.x@1.d"]);
        Assert.Equal(RecordTime, e.Timestamp);
        Assert.Equal("unknown", e.Host);
        Assert.Equal("syslog", e.Source);
        Assert.Equal("msg", e.Message);

        var bare = Parse("<13>1 - - - - - -");
        Assert.Equal("", bare.Message);
    }

    [Theory]
    [InlineData("<34>1 2003-10-11T22:14:15.003Z host app - - [unclosed a=\"1\"", "expected ']'")]
    [InlineData("<34>1 2003-10-11T22:14:15.003Z host app - - [id a=\"never closed]", "not closed")]
    [InlineData("<34>1 2003-10-11T22:14:15.003Z host app - - [id a=1]", "name=\"value\"")]
    [InlineData("<34>1 2003-10-11T22:14:15.003Z host app", "before STRUCTURED-DATA")]
    public void Malformed_RFC_5424_is_dead_lettered_with_where_it_went_wrong(string line, string detail)
    {
        var result = _normalizer.Normalize(Encoding.UTF8.GetBytes(line), Origin, RecordTime, RecordTime);
        Assert.Equal(DeadLetter.BadSyslog, result.Rejection!.Reason);
        Assert.Contains(detail, result.Rejection.Detail);
    }

    [Fact]
    public void RFC_3164_example_takes_the_records_year()
    {
        var e = Parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
        Assert.Equal(Ms("2026-10-11T22:14:15Z"), e.Timestamp);
        Assert.Equal("mymachine", e.Host);
        Assert.Equal("su", e.Source);
        Assert.Equal(Severity.Critical, e.Severity);
        Assert.Equal("'su root' failed for lonvick on /dev/pts/8", e.Message);
    }

    [Fact]
    public void Sshd_lines_with_and_without_a_hostname_and_a_space_padded_day()
    {
        var full = Parse("<38>Nov 27 04:00:01 bastion-01 sshd[4242]: Failed password for root from 203.0.113.5 port 51514 ssh2");
        Assert.Equal(("bastion-01", "sshd", "4242"), (full.Host, full.Process, full.Attributes["syslog.procid"]));
        Assert.Equal(Severity.Informational, full.Severity);
        Assert.Equal("authpriv", Parse("<86>Nov 27 04:00:01 h sshd[1]: x").Attributes["syslog.facility"]);

        var bare = Parse("<38>Nov  7 04:00:01 sshd[4242]: Accepted publickey for alice");
        Assert.Equal(Ms("2026-11-07T04:00:01Z"), bare.Timestamp);
        Assert.Equal("unknown", bare.Host);
        Assert.Equal("sshd", bare.Source);
        Assert.Equal("Accepted publickey for alice", bare.Message);
    }

    [Theory]
    [InlineData("<22>Nov 27 04:00:01 mail-01 postfix/smtpd[2210]: connect from unknown[203.0.113.9]", "mail-01", "postfix/smtpd", "2210", "connect from unknown[203.0.113.9]")]
    [InlineData("<22>Nov 27 04:00:01 mail-01 postfix/qmgr: 4F1A: removed", "mail-01", "postfix/qmgr", null, "4F1A: removed")]
    [InlineData("<30>Nov 27 04:00:01 dhcp-02 dhcpd.v6[77]: Solicit message from fe80::1", "dhcp-02", "dhcpd.v6", "77", "Solicit message from fe80::1")]
    [InlineData("<38>Nov 27 04:00:01 systemd-logind: New session 4 of user alice.", "unknown", "systemd-logind", null, "New session 4 of user alice.")]
    public void RFC_3164_tags_with_slashes_dots_and_dashes_are_tags(string line, string host, string process, string? pid, string message)
    {
        var e = Parse(line);
        Assert.Equal((host, process, process, message), (e.Host, e.Process, e.Source, e.Message));
        Assert.Equal(pid, e.Attributes.TryGetValue("syslog.procid", out var p) ? p : null);
    }

    [Fact]
    public void ISO_timestamps_explicit_years_missing_tags_and_year_rollover()
    {
        var iso = Parse("<134>2026-11-27T04:00:01.123+01:00 fw-01 kernel: DROP IN=eth0 SRC=10.0.0.5 DST=8.8.8.8");
        Assert.Equal(Ms("2026-11-27T03:00:01.123Z"), iso.Timestamp);
        Assert.Equal(("fw-01", "kernel"), (iso.Host, iso.Source));

        var asa = Parse("<189>Nov 27 2025 04:00:01 asa-1 %ASA-5-111008: User 'enable_15' executed the 'write memory' command.");
        Assert.Equal(Ms("2025-11-27T04:00:01Z"), asa.Timestamp);
        Assert.Equal("asa-1", asa.Host);
        Assert.Equal("%ASA-5-111008", asa.Source);

        var untagged = Parse("<13>Nov 27 04:00:01 router1 link state changed to down");
        Assert.Equal(("router1", "syslog", "link state changed to down"), (untagged.Host, untagged.Source, untagged.Message));

        // Read on 1 January: "Dec 31" is last year's.
        var normalizer = new EventNormalizer(NormalizerLimits.ForTests);
        var january = Ms("2027-01-01T00:00:10Z");
        var late = normalizer.Normalize("<13>Dec 31 23:59:59 h app: x"u8.ToArray(), Origin, january, january).Event!;
        Assert.Equal(Ms("2026-12-31T23:59:59Z"), late.Timestamp);
    }

    [Theory]
    [InlineData("{\"a\":1}", InputFormat.Json)]
    [InlineData("  \n{\"a\":1}", InputFormat.Json)]
    [InlineData("<34>1 2003-10-11T22:14:15.003Z h a - - -", InputFormat.Rfc5424)]
    [InlineData("<34>Oct 11 22:14:15 h su: x", InputFormat.Rfc3164)]
    [InlineData("<34>2026-11-27T04:00:01Z h su: x", InputFormat.Rfc3164)]
    [InlineData("<0>1 - - - - - -", InputFormat.Rfc5424)]
    [InlineData("<192>1 - - - - - -", InputFormat.Unknown)]
    [InlineData("<034>1 - - - - - -", InputFormat.Unknown)]
    [InlineData("CEF:0|Vendor|Product|1|100|name|5|", InputFormat.Cef)]
    [InlineData("LEEF:1.0|V|P|1|E|", InputFormat.Leef)]
    [InlineData("plain text", InputFormat.Unknown)]
    public void The_format_is_detected_from_the_first_bytes(string input, InputFormat expected) =>
        Assert.Equal(expected, FormatDetector.Detect(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void Mutated_syslog_never_throws_and_either_parses_or_gives_a_reason() =>
        Mutations.NeverThrow(_normalizer, 5424, 30_000,
            "<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\"] \uFEFFmsg",
            "<38>Nov 27 04:00:01 bastion-01 sshd[4242]: Failed password for root",
            "<134>2026-11-27T04:00:01.123+01:00 fw-01 kernel: DROP");
}
