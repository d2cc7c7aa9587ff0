namespace SiemActors.Domain.Filtering;

internal enum TokenKind
{
    End,
    Word,       // identifiers, keywords, bare values (severity names, IPs, CIDRs, times)
    String,     // "…" or '…'
    Number,
    Regex,      // /…/
    Operator,   // == != < <= > >=
    LeftParen,
    RightParen,
    Comma,
}

/// <summary>One token and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool Is(string keyword) => Kind == TokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Kind == TokenKind.End ? "the end of the filter" : $"'{Text}'";
}
