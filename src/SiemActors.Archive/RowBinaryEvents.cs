using System.Buffers.Binary;
using System.Text;

namespace SiemActors.Archive;

/// <summary>
/// Reads ClickHouse's RowBinary answer of <see cref="ClickHouseDays.ExportColumns"/> as <see cref="ArchiveRow"/>s, from a
/// stream as it arrives: strings are a LEB128 length and bytes (read as UTF-8, U+FFFD where they are not), integers
/// little-endian, Nullable a null byte then the value, Array a LEB128 count then the items. Stored '' becomes null for
/// optional text; a body that ends inside a row throws <see cref="InvalidDataException"/>.
/// </summary>
public sealed class RowBinaryEvents(Stream body)
{
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _eof;

    public async ValueTask<ArchiveRow?> NextAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (_start < _end && TryRow(_buffer.AsSpan(_start, _end - _start), out var consumed, out var row))
            {
                _start += consumed;
                return row;
            }
            if (_eof)
            {
                if (_start == _end) return null;
                throw new InvalidDataException($"the export ended inside a row ({_end - _start} bytes left over)");
            }
            await FillAsync(cancellation).ConfigureAwait(false);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellation)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // one row larger than the buffer
        var read = await body.ReadAsync(_buffer.AsMemory(_end), cancellation).ConfigureAwait(false);
        if (read == 0) _eof = true;
        _end += read;
    }

    private static bool TryRow(ReadOnlySpan<byte> data, out int consumed, out ArchiveRow? row)
    {
        var r = new Cursor(data);
        row = null;
        consumed = 0;
        var eventId = r.String();
        var timeMs = r.Int64();
        var ingestedMs = r.Int64();
        var source = r.String();
        var host = r.String();
        var severity = r.Byte();
        var category = r.String();
        var action = r.String();
        var outcome = r.String();
        var srcIp = r.String();
        var srcPort = r.NullableUInt16();
        var dstIp = r.String();
        var dstPort = r.NullableUInt16();
        var user = r.String();
        var process = r.String();
        var message = r.String();
        var tags = r.Strings();
        var keys = r.Strings();
        var values = r.Strings();
        var firstSeen = r.Int64();
        var hostSeq = (long)r.UInt64();
        var rate = r.UInt32();
        var topic = r.String();
        var partition = r.UInt16();
        var offset = (long)r.UInt64();
        var raw = r.String();
        if (!r.Ok) return false;
        var attributes = new Dictionary<string, string>(keys.Count);
        for (var i = 0; i < keys.Count && i < values.Count; i++) attributes[keys[i]] = values[i];
        row = new ArchiveRow
        {
            EventId = eventId,
            Timestamp = ArchiveRow.Time(timeMs),
            IngestedAt = ArchiveRow.Time(ingestedMs),
            Source = source,
            Host = host,
            Severity = severity,
            Category = Optional(category),
            Action = Optional(action),
            Outcome = Optional(outcome),
            SrcIp = Optional(srcIp),
            SrcPort = srcPort,
            DstIp = Optional(dstIp),
            DstPort = dstPort,
            User = Optional(user),
            Process = Optional(process),
            Message = message,
            Tags = tags,
            Attributes = attributes,
            HostFirstSeen = hostSeq > 0 ? ArchiveRow.Time(firstSeen) : null,
            HostSeq = hostSeq > 0 ? hostSeq : null,
            HostRate1m = hostSeq > 0 ? (int)Math.Min(rate, int.MaxValue) : null,
            Topic = topic,
            Partition = partition,
            Offset = offset,
            Raw = raw,
        };
        consumed = r.Position;
        return true;
    }

    private static string? Optional(string text) => text.Length == 0 ? null : text;

    /// <summary>Reads fields from a span; once one runs past the end, <see cref="Ok"/> is false and the rest read as defaults.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; }

        public bool Ok { get; private set; } = true;

        private bool Has(int n)
        {
            if (Ok && _data.Length - Position >= n) return true;
            Ok = false;
            return false;
        }

        public byte Byte() => Has(1) ? _data[Position++] : (byte)0;

        public ushort UInt16()
        {
            if (!Has(2)) return 0;
            var v = BinaryPrimitives.ReadUInt16LittleEndian(_data[Position..]);
            Position += 2;
            return v;
        }

        public uint UInt32()
        {
            if (!Has(4)) return 0;
            var v = BinaryPrimitives.ReadUInt32LittleEndian(_data[Position..]);
            Position += 4;
            return v;
        }

        public ulong UInt64()
        {
            if (!Has(8)) return 0;
            var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[Position..]);
            Position += 8;
            return v;
        }

        public long Int64() => (long)UInt64();

        public int? NullableUInt16() => Byte() == 1 ? null : UInt16();

        public ulong VarUInt()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (!Has(1)) return 0;
                var b = _data[Position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new InvalidDataException("a RowBinary length is longer than 64 bits");
        }

        public string String()
        {
            var length = VarUInt();
            if (!Ok) return "";
            if (length > int.MaxValue) throw new InvalidDataException($"a RowBinary string of {length} bytes");
            if (!Has((int)length)) return "";
            var text = length == 0 ? "" : Encoding.UTF8.GetString(_data.Slice(Position, (int)length));
            Position += (int)length;
            return text;
        }

        public List<string> Strings()
        {
            var count = VarUInt();
            if (!Ok) return [];
            if (count > int.MaxValue) throw new InvalidDataException($"a RowBinary array of {count} items");
            var items = new List<string>((int)Math.Min(count, 1024));
            for (ulong i = 0; i < count && Ok; i++) items.Add(String());
            return items;
        }
    }
}
