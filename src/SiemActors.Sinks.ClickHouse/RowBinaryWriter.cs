using System.Buffers;
using System.Numerics;
using System.Text;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// ClickHouse's <c>RowBinary</c> encoding, value by value: little-endian integers, strings and arrays prefixed with
/// their length as an unsigned LEB128 varint, <c>Nullable</c> as a null flag byte before the value. Nothing is escaped
/// or quoted, so writing a row costs little more than copying its bytes (and ClickHouse parses it as cheaply).
/// </summary>
public readonly struct RowBinaryWriter(IBufferWriter<byte> output)
{
    public void UInt8(byte value) => Integer(value);

    public void UInt16(ushort value) => Integer(value);

    public void UInt32(uint value) => Integer(value);

    public void Int64(long value) => Integer(value);

    public void UInt64(ulong value) => Integer(value);

    /// <summary>A fixed-width integer, little-endian (the type's own width).</summary>
    private void Integer<T>(T value) where T : IBinaryInteger<T> => output.Advance(value.WriteLittleEndian(output.GetSpan(value.GetByteCount())));

    /// <summary><c>Nullable(UInt16)</c>.</summary>
    public void NullableUInt16(int? value)
    {
        if (value is { } v)
        {
            UInt8(0);
            UInt16((ushort)v);
        }
        else
        {
            UInt8(1);
        }
    }

    /// <summary>A length or an element count.</summary>
    public void VarUInt(ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        output.Advance(n);
    }

    /// <summary>A <c>String</c> from .NET text, as UTF-8.</summary>
    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)length);
        if (length == 0) return;
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    /// <summary>A <c>String</c> of bytes as they are.</summary>
    public void String(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        if (value.IsEmpty) return;
        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }

    /// <summary><c>Array(String)</c>.</summary>
    public void Strings(IReadOnlyCollection<string> values)
    {
        VarUInt((ulong)values.Count);
        foreach (var value in values) String(value);
    }
}
