using System.Buffers;
using SiemActors.Domain.Serialization;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

public sealed class RowBinaryWriterTests
{
    private static byte[] Written(Action<RowBinaryWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new RowBinaryWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(16_384UL, new byte[] { 0x80, 0x80, 0x01 })]
    public void Lengths_are_unsigned_LEB128(ulong value, byte[] expected) => Assert.Equal(expected, Written(w => w.VarUInt(value)));

    [Fact]
    public void Strings_are_their_UTF8_bytes_after_their_byte_length()
    {
        Assert.Equal([0x04, (byte)'a', 0xC3, 0xA9, (byte)'"'], Written(w => w.String("aé\"")));
        Assert.Equal([0x00], Written(w => w.String("")));
    }

    [Fact]
    public void Nullable_values_have_a_null_flag_first_and_integers_are_little_endian()
    {
        Assert.Equal([0x01], Written(w => w.NullableUInt16(null)));
        Assert.Equal([0x00, 0x35, 0x14], Written(w => w.NullableUInt16(5173)));
        Assert.Equal([0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80], Written(w => w.Int64(long.MinValue + 1)));
    }

    [Fact]
    public void A_pooled_buffer_grows_and_keeps_what_was_written()
    {
        using var buffer = new PooledBufferWriter(16);
        var w = new RowBinaryWriter(buffer);
        var text = new string('x', 70_000);
        w.String(text);
        w.UInt8(7);
        Assert.Equal(3 + 70_000 + 1, buffer.WrittenCount);
        Assert.Equal(7, buffer.WrittenMemory.Span[^1]);
        Assert.Equal((byte)'x', buffer.WrittenMemory.Span[3]);
    }
}
