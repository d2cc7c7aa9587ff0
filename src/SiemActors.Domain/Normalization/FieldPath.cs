using System.Buffers;
using System.Text.Json;

namespace SiemActors.Domain.Normalization;

/// <summary>The dotted path of the current field (<c>source.ip</c>), built in a buffer rented from the shared pool.</summary>
internal ref struct FieldPath
{
    private char[]? _rented;
    private Span<char> _buffer;

    public FieldPath(int capacity)
    {
        _rented = ArrayPool<char>.Shared.Rent(capacity);
        _buffer = _rented;
        Length = 0;
    }

    public int Length { get; private set; }

    public readonly ReadOnlySpan<char> Span => _buffer[..Length];

    /// <summary>Appends the property name the reader is on, after a dot unless it is the first segment; bytes that are not
    /// UTF-8 and lone surrogates become U+FFFD.</summary>
    public void Push(ref Utf8JsonReader reader)
    {
        Ensure(Length + 1 + JsonText.MaxChars(ref reader));
        if (Length > 0) _buffer[Length++] = '.';
        Length += JsonText.CopyString(ref reader, _buffer[Length..]); // always fits: at most one character per byte
    }

    public void Truncate(int length) => Length = length;

    public override readonly string ToString() => new(Span);

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<char>.Shared.Return(_rented);
        _rented = null;
    }

    private void Ensure(int capacity)
    {
        if (capacity <= _buffer.Length) return;
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(capacity, _buffer.Length * 2));
        _buffer[..Length].CopyTo(bigger);
        if (_rented is not null) ArrayPool<char>.Shared.Return(_rented);
        _rented = bigger;
        _buffer = bigger;
    }
}
