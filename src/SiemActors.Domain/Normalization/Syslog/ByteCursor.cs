using System.Text;

namespace SiemActors.Domain.Normalization.Syslog;

/// <summary>A forward-only reader over the bytes of one message.</summary>
internal ref struct ByteCursor(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> _input = input;

    public int Position { get; private set; }

    public readonly bool AtEnd => Position >= _input.Length;

    public readonly ReadOnlySpan<byte> Rest => _input[Position..];

    public readonly byte Peek => _input[Position];

    public void Skip(int count) => Position = Math.Min(_input.Length, Position + count);

    /// <summary>The bytes up to the next space (or the end); the space itself is consumed.</summary>
    public ReadOnlySpan<byte> Token()
    {
        var rest = Rest;
        var space = rest.IndexOf((byte)' ');
        var token = space < 0 ? rest : rest[..space];
        Position += space < 0 ? rest.Length : space + 1;
        return token;
    }

    public bool TryConsume(byte b)
    {
        if (AtEnd || _input[Position] != b) return false;
        Position++;
        return true;
    }

    public void SkipSpaces()
    {
        while (!AtEnd && _input[Position] == (byte)' ') Position++;
    }

    /// <summary>UTF-8 text; bytes that are not UTF-8 become U+FFFD.</summary>
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
