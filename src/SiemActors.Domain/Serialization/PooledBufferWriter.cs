using System.Buffers;

namespace SiemActors.Domain.Serialization;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="Pool"/>, returned on dispose.
/// Memory taken from <see cref="WrittenMemory"/> is valid until the next write that grows the buffer, or the dispose.
/// The ClickHouse sink writes each insert's body (MiBs) into one: renting keeps every insert from allocating a new
/// array on the large object heap, whose allocations trigger full, background collections of the node's heap.
/// </summary>
public sealed class PooledBufferWriter(int initialCapacity = 64 * 1024) : IBufferWriter<byte>, IDisposable
{
    /// <summary>
    /// The buffers' own pool, not <see cref="ArrayPool{T}.Shared"/>: the shared pool keeps a returned array in a slot
    /// of the returning thread first, where a rent on another thread does not look. A sink rents in one continuation
    /// and returns in another, on whichever thread-pool thread the server's answer arrived, so with the shared pool
    /// nearly every rent of an insert body allocated a new one (in a profile of a backlog, most of the bytes
    /// allocated on the large object heap). This pool's buckets are shared by all threads and kept until the process
    /// ends: at most 8 arrays per size (a power of two up to 256 MiB; larger ones are allocated and dropped).
    /// </summary>
    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(maxArrayLength: 256 * 1024 * 1024, maxArraysPerBucket: 8);

    private byte[] _buffer = Pool.Rent(initialCapacity);
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public int WrittenCount => _written;

    /// <summary>Drops what was written after <paramref name="length"/> bytes (a row whose encoding failed halfway).</summary>
    public void Truncate(int length)
    {
        if (length < 0 || length > _written) throw new ArgumentOutOfRangeException(nameof(length));
        _written = length;
    }

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length) return;
        var larger = Pool.Rent(Math.Max(needed, checked(_buffer.Length * 2)));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        Pool.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) Pool.Return(buffer);
        _written = 0;
    }
}
