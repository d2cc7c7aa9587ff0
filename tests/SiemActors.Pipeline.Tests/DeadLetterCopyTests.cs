using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using SiemActors.Domain.Normalization;
using SiemActors.Pipeline.DeadLetters;
using Xunit;

namespace SiemActors.Pipeline.Tests;

public sealed class DeadLetterCopyTests
{
    private const int Limit = 1_000_000;

    private static string Header(Message<byte[]?, byte[]?> m, string name) =>
        m.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "(none)";

    [Fact]
    public void A_record_that_fits_goes_whole_with_its_reason_and_origin()
    {
        var copy = DeadLetterCopy.Build(new DeadLetterRecord("siem-events", 3, 77, "k"u8.ToArray(), "{oops"u8.ToArray(),
            new DeadLetter(DeadLetter.NotJson, "the JSON ends early")), Limit);

        Assert.Equal("{oops", Encoding.UTF8.GetString(copy.Value!));
        Assert.Equal("k", Encoding.UTF8.GetString(copy.Key!));
        Assert.Equal(("not-json", "the JSON ends early", "siem-events", "3", "77", "(none)"),
            (Header(copy, "siem.dlq.reason"), Header(copy, "siem.dlq.detail"), Header(copy, "siem.dlq.topic"), Header(copy, "siem.dlq.partition"),
                Header(copy, "siem.dlq.offset"), Header(copy, "siem.dlq.truncated")));
    }

    [Theory]
    [InlineData(999_900)]
    [InlineData(1_048_577)]
    [InlineData(5_000_000)]
    public void A_record_too_large_for_the_topic_is_cut_to_fit_with_its_size_and_hash(int size)
    {
        var value = new byte[size];
        new Random(size).NextBytes(value);
        var copy = DeadLetterCopy.Build(new DeadLetterRecord("siem-events", 0, 5, null, value, new DeadLetter(DeadLetter.TooLarge, "big")), Limit);

        Assert.True(DeadLetterCopy.SizeOf(copy) <= Limit, $"{DeadLetterCopy.SizeOf(copy)} bytes");
        Assert.Equal(value.AsSpan(0, copy.Value!.Length).ToArray(), copy.Value);
        Assert.Equal(("true", size.ToString(), Convert.ToHexStringLower(SHA256.HashData(value))),
            (Header(copy, "siem.dlq.truncated"), Header(copy, "siem.dlq.original-size"), Header(copy, "siem.dlq.sha256")));
        Assert.True(copy.Value.Length > Limit - 4096, "cut no more than it must");
    }

    [Fact]
    public void A_huge_key_and_a_huge_exception_message_are_cut_too()
    {
        var reason = DeadLetter.Internal("routing", new InvalidOperationException(new string('e', 100_000)));
        var copy = DeadLetterCopy.Build(new DeadLetterRecord("t", 0, 1, new byte[900_000], new byte[900_000], reason), Limit);

        Assert.True(DeadLetterCopy.SizeOf(copy) <= Limit);
        Assert.Equal("900000", Header(copy, "siem.dlq.original-key-size"));
        Assert.StartsWith("System.InvalidOperationException: eee", Header(copy, "siem.dlq.exception"));
        Assert.True(Header(copy, "siem.dlq.exception").Length < 3000);
        Assert.Equal("internal-error", Header(copy, "siem.dlq.reason"));
    }
}
