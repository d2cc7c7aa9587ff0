using System.Globalization;
using System.Text;

namespace SiemActors.Fuzz;

/// <summary>
/// Turns valid samples into hostile records, one <see cref="Mutation"/> at a time. Deterministic for a seed: a failing
/// campaign is replayed from its seed. <paramref name="maxMessageBytes"/> is the node's <c>siem.normalize.max-message-bytes</c>,
/// so that the size mutations land just below and just past it.
/// </summary>
public sealed class Mutator(Random random, int maxMessageBytes)
{
    private static readonly Mutation[] Kinds = Enum.GetValues<Mutation>();

    /// <summary>
    /// A record of a random kind; the huge ones (a quarter of the size limit and more) come about one in 4,000 records: a
    /// broker keeps only so many bytes a partition, and their dead-letter copies come in bursts.
    /// </summary>
    public FuzzRecord Next(int n)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        if (kind is Mutation.AtSizeLimit or Mutation.PastSizeLimit or Mutation.NearBrokerLimit or Mutation.LongStrings && random.Next(600) != 0)
            kind = Mutation.Valid;
        return Make(kind, n);
    }

    public FuzzRecord Make(Mutation kind, int n)
    {
        var sample = Samples.Valid(n + random.Next(Samples.Count));
        return kind switch
        {
            Mutation.Valid => Record(sample, kind),
            Mutation.ByteFlips => Record(Flip(sample, 1 + random.Next(8)), kind),
            Mutation.Truncated => Record(sample[..random.Next(sample.Length)], kind),
            Mutation.Spliced => Record(Splice(sample, Samples.Valid(random.Next(1000))), kind),
            Mutation.InvalidUtf8 => Record(InsertBytes(random.Next(2) == 0 ? Json($"bad \xff\xfe bytes") : sample, Pick(InvalidUtf8)), kind),
            Mutation.OverlongUtf8 => Record(InsertBytes(sample, Pick(Overlong)), kind),
            Mutation.ByteOrderMark => Record([.. Pick(Boms), .. sample], kind),
            Mutation.LoneSurrogate => Record(Ascii(Pick(Surrogates)), kind),
            Mutation.NulBytes => Record(InsertBytes(sample, [0]), kind),
            Mutation.LineBreaksInFields => Record(InsertBytes(sample, Pick(LineBreaks)), kind),
            Mutation.ManyFields => Record(ManyFields(), kind),
            Mutation.HugeNumbers => Record(Ascii(Pick(HugeNumbers)), kind),
            Mutation.ExtremeTimestamps => Record(Ascii(Pick(ExtremeTimes)), kind),
            Mutation.BadPorts => Record(Ascii(Pick(BadPorts)), kind),
            Mutation.BadAddresses => Record(Encoding.UTF8.GetBytes(Pick(BadAddresses)), kind),
            Mutation.DeepNesting => Record(Nested(Rare() ? Pick([1000, 100_000]) : Pick([15, 16, 17, 64])), kind),
            Mutation.DuplicateKeys => Record(Ascii("{" + string.Join(",", Enumerable.Range(0, 1 + random.Next(Rare() ? 2000 : 100)).Select(i => $"\"host\":\"h{i}\"")) + ",\"message\":\"dup\"}"), kind),
            Mutation.LongStrings => Record(Json(new string('l', random.Next(maxMessageBytes / 4, maxMessageBytes / 2))), kind),
            Mutation.EscapeSoup => Record(Ascii(Pick(EscapeSoup)), kind),
            Mutation.RandomBytes => Record(RandomBytes(random.Next(1, 2048)), kind),
            Mutation.Empty => Record([], kind),
            Mutation.Tombstone => new FuzzRecord(null, null, null, kind),
            Mutation.AtSizeLimit => Record(Padded(maxMessageBytes, valid: random.Next(2) == 0), kind),
            Mutation.PastSizeLimit => Record(Padded(maxMessageBytes + 1 + random.Next(64), valid: true), kind),
            Mutation.NearBrokerLimit => Record(Padded(999_900, valid: false), kind),
            Mutation.HostileKafkaFields => new FuzzRecord(sample, RandomBytes(random.Next(0, 64 * 1024)), Pick(HostileRecordTimes), kind),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static FuzzRecord Record(byte[] value, Mutation kind) => new(value, null, null, kind);

    /// <summary>One in 50: for the variants of a kind that weigh hundreds of KiB (a broker keeps only so much).</summary>
    private bool Rare() => random.Next(50) == 0;

    private T Pick<T>(T[] choices) => choices[random.Next(choices.Length)];

    private static byte[] Ascii(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A JSON event whose message is <paramref name="message"/> as raw text (not escaped: the caller's bytes go in).</summary>
    private static byte[] Json(string message) =>
        [.. "{\"host\":\"h\",\"source_type\":\"fuzz\",\"message\":\""u8, .. Encoding.Latin1.GetBytes(message), .. "\"}"u8];

    private byte[] Flip(byte[] input, int flips)
    {
        var copy = (byte[])input.Clone();
        for (var i = 0; i < flips && copy.Length > 0; i++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
        return copy;
    }

    private byte[] Splice(byte[] a, byte[] b) => [.. a[..random.Next(a.Length + 1)], .. b[random.Next(b.Length + 1)..]];

    private byte[] InsertBytes(byte[] input, byte[] insert)
    {
        var at = random.Next(input.Length + 1);
        return [.. input[..at], .. insert, .. input[at..]];
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private byte[] ManyFields()
    {
        var count = Rare() ? Pick([1000, 20_000]) : Pick([255, 256, 257]);
        return random.Next(3) switch
        {
            0 => Ascii("{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"f{i}\":{i}")) + "}"),
            1 => Ascii("CEF:0|V|P|1|1|n|5|" + string.Join(" ", Enumerable.Range(0, count).Select(i => $"k{i}=v{i}"))),
            _ => Ascii("LEEF:1.0|V|P|1|E|" + string.Join("\t", Enumerable.Range(0, count).Select(i => $"k{i}=v{i}"))),
        };
    }

    private byte[] Nested(int depth)
    {
        var sb = new StringBuilder(depth * 8);
        var arrays = random.Next(2) == 0;
        for (var i = 0; i < depth; i++) sb.Append(arrays && i > 0 ? "[" : "{\"a\":");
        sb.Append('1');
        for (var i = depth - 1; i >= 0; i--) sb.Append(arrays && i > 0 ? "]" : "}");
        return Ascii(sb.ToString());
    }

    /// <summary>Exactly <paramref name="size"/> bytes: a JSON event padded in its message, or the same with its brace cut.</summary>
    private static byte[] Padded(int size, bool valid)
    {
        var head = "{\"host\":\"big\",\"source_type\":\"fuzz\",\"message\":\""u8;
        var tail = valid ? "\"}"u8 : "\""u8;
        var bytes = new byte[size];
        head.CopyTo(bytes);
        bytes.AsSpan(head.Length, size - head.Length - tail.Length).Fill((byte)'p');
        tail.CopyTo(bytes.AsSpan(size - tail.Length));
        return bytes;
    }

    private static readonly byte[][] InvalidUtf8 = [[0xFF, 0xFE], [0xC3, 0x28], [0xA0, 0xA1], [0xE2, 0x28, 0xA1], [0xF0, 0x28, 0x8C, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3]];
    private static readonly byte[][] Overlong = [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xC1, 0xBF], [0xC0, 0x80]];
    private static readonly byte[][] Boms = [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF]];
    private static readonly byte[][] LineBreaks = [[(byte)'\r', (byte)'\n'], [(byte)'\n'], [(byte)'\r'], [0xE2, 0x80, 0xA8], [(byte)'\n', (byte)'<', (byte)'3', (byte)'4', (byte)'>']];

    private static readonly string[] Surrogates =
    [
        """{"message":"lone \ud800 surrogate","host":"h"}""",
        """{"message":"low \udc00 first","host":"h"}""",
        """{"message":"pair \ud83d\ude00 then \ud83d","host":"h"}""",
        """{"host":"\udfff","source_type":"\ud800\ud800","user":"x\uDBFF"}""",
        """{"\ud800key":"v","message":"surrogate in a name"}""",
        """{"severity":"\ud800","src_ip":"\udc00","src_port":"\ud800","timestamp":"\ud800","tags":["\ud800",1,"ok"]}""",
        """{"nested":{"\ud800":{"\udc00":"x"}},"message":"nul \u0000 here"}""",
    ];

    private static readonly string[] HugeNumbers =
    [
        """{"timestamp":1e400,"message":"t"}""",
        """{"timestamp":-1e400,"src_port":1e400,"message":"t"}""",
        """{"timestamp":1e-400,"dst_port":-0,"message":"t"}""",
        """{"timestamp":99999999999999999999999999,"message":"t"}""",
        """{"timestamp":-9223372036854775808,"message":"long min"}""",
        """{"timestamp":9223372036854775807,"message":"long max"}""",
        """{"severity":1e400,"src_port":99999999999999999999,"message":"n"}""",
        """{"severity":-9223372036854775808,"message":"n","n":123456789012345678901234567890e-5}""",
    ];

    private static readonly string[] ExtremeTimes =
    [
        """{"timestamp":"0000-01-01T00:00:00Z","message":"year 0"}""",
        """{"timestamp":"0001-01-01T00:00:00+14:00","message":"before year 1"}""",
        """{"timestamp":"9999-12-31T23:59:59.999-14:00","message":"after 9999"}""",
        """{"timestamp":-62167219200,"message":"year 0 as epoch seconds"}""",
        """{"timestamp":-99999999999,"message":"far negative"}""",
        """{"timestamp":253402300800000,"message":"past 9999 in ms"}""",
        """{"timestamp":-62135596800001,"message":"a ms before year 1"}""",
        """{"timestamp":"+275760-09-13T00:00:00Z","message":"js max"}""",
        "<38>1 0000-01-01T00:00:00Z h app - - - year 0",
        "<38>1 9999-12-31T23:59:59.999999-14:00 h app - - - after 9999",
        "<38>Jan 01 0000 00:00:00 h app: year 0",
        "<38>Dec 31 9999 23:59:59 h app: year 9999",
        "<38>Feb 29 2023 00:00:00 h app: no such day",
        "<38>Nov 00 04:00:01 h app: day zero (found by the long fuzz run: it threw before the fix)",
        "<38>Feb 30 04:00:01 h app: no such day without a year",
        "CEF:0|V|P|1|1|n|5|rt=99999999999999999 src=10.0.0.1",
        "CEF:0|V|P|1|1|n|5|rt=Jan 01 0000 00:00:00",
        "LEEF:2.0|V|P|1|E|^|devTime=253402300800000^src=10.0.0.1",
    ];

    private static readonly string[] BadPorts =
    [
        """{"src_port":65536,"dst_port":-1,"message":"p"}""",
        """{"src_port":"70000","dst_port":"-5","message":"p"}""",
        """{"src_port":1e10,"dst_port":"0x50","message":"p"}""",
        """{"src_port":"","dst_port":"٨٠","message":"p"}""",
        "CEF:0|V|P|1|1|n|5|spt=99999 dpt=-1 src=10.0.0.1",
        "LEEF:1.0|V|P|1|E|srcPort=-5\tdstPort=65536\tsrc=10.0.0.1",
    ];

    private static readonly string[] BadAddresses =
    [
        """{"src_ip":"999.1.1.1","dst_ip":"::::::","message":"a"}""",
        """{"src_ip":"1.2.3.4.5","dst_ip":"1.2.3.4/33","message":"a"}""",
        """{"src_ip":"١٢٣.١.١.١","dst_ip":"fe80::1%eth0%eth1","message":"a"}""",
        "{\"src_ip\":\"" + new string('1', 300) + "\",\"message\":\"a\"}",
        """{"src_ip":["10.0.0.1"],"dst_ip":{"v":"10.0.0.2"},"message":"a"}""",
        "CEF:0|V|P|1|1|n|5|src=999.999.999.999 dst=::ffff:300.1.1.1",
        "<38>Nov 27 04:00:01 999.999.1.1 sshd[1]: Failed password from ::::::",
    ];

    private static readonly string[] EscapeSoup =
    [
        """{"message":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00","host":"h"}""",
        "{\"message\":\"raw control \u0001\u0002 chars\",\"host\":\"h\"}",
        """{"message":"bad escape \x41","host":"h"}""",
        """{"message":"unfinished \u12","host":"h"}""",
        "{\"message\":\"trailing backslash \\\"",
        "CEF:0|V\\|x|P\\\\|1|1|n\\|5|5|msg=\\=\\\\\\n\\r end\\",
        "LEEF:2.0|V|P|1|E|x41|a=1\u0041b=2",
        "LEEF:2.0|V|P|1|E|\\xZZ|a=1",
        "<38>1 2026-11-27T04:00:01Z h app - - [x a=\"unterminated",
        "<38>1 2026-11-27T04:00:01Z h app - - [x a=\"\\\"] \\\\\"]",
    ];

    private static readonly long?[] HostileRecordTimes = [-1, 0, long.MinValue + 1, long.MaxValue, -62167219200000, 253402300800000, null];
}
