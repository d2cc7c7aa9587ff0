using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// ClickHouse's <c>RowBinary</c> encoding, value by value: little-endian integers, strings and arrays prefixed with
/// their length as an unsigned LEB128 varint, <c>Nullable</c> as a null flag byte before the value. Nothing is escaped
/// or quoted, so writing a row costs little more than copying its bytes (and ClickHouse parses it as cheaply).
/// </summary>
public readonly struct RowBinaryWriter(IBufferWriter<byte> output)
{
    // One writer per width: IBinaryInteger<T>.WriteLittleEndian is a default interface method, and calling one on a
    // struct boxes it (five boxes per row, measured: ~6% of the node's allocations).
    public void UInt8(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    public void UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(output.GetSpan(sizeof(ushort)), value);
        output.Advance(sizeof(ushort));
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(sizeof(uint)), value);
        output.Advance(sizeof(uint));
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(sizeof(long)), value);
        output.Advance(sizeof(long));
    }

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(sizeof(ulong)), value);
        output.Advance(sizeof(ulong));
    }

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
    public void Strings(IReadOnlyList<string> values)
    {
        VarUInt((ulong)values.Count);
        for (var i = 0; i < values.Count; i++) String(values[i]); // by index: no boxed enumerator per row
    }
}
