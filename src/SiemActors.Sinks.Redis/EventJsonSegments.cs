using System.Buffers;
using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// A batch's event JSON, each event contiguous, in segments of <see cref="SegmentBytes"/> rented from
/// <see cref="ArrayPool{T}.Shared"/> and returned on dispose; an event larger than a segment gets an array of its own.
/// Segments stay below the large object heap's threshold (85,000 bytes): one buffer per batch, sized to the batch,
/// was a large object for any batch of more than about 80 events, and allocating those (the shared pool
/// rarely hands a buffer returned on one thread to a rent on another) made the node's heap run full background
/// collections.
/// </summary>
public sealed class EventJsonSegments : IDisposable
{
    public const int SegmentBytes = 64 * 1024;

    private readonly List<byte[]> _rented = [];
    private byte[] _current = [];
    private int _used;

    /// <summary>Appends the event's JSON; the returned memory stays valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Append(EnrichedEvent enriched)
    {
        var json = EventJson.WriteToThreadBuffer(enriched);
        if (json.Length > SegmentBytes) return json.ToArray();
        if (_current.Length - _used < json.Length)
        {
            _current = ArrayPool<byte>.Shared.Rent(SegmentBytes);
            _rented.Add(_current);
            _used = 0;
        }
        var slice = _current.AsMemory(_used, json.Length);
        json.CopyTo(slice.Span);
        _used += json.Length;
        return slice;
    }

    /// <summary>Returns the segments to the pool: memory handed out by <see cref="Append"/> must not be used after.</summary>
    public void Dispose()
    {
        foreach (var segment in _rented) ArrayPool<byte>.Shared.Return(segment);
        _rented.Clear();
        (_current, _used) = ([], 0);
    }
}
