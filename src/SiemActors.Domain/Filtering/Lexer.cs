using System.Text;

namespace SiemActors.Domain.Filtering;

/// <summary>Splits a filter into tokens; errors name the position.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i));
                return tokens;
            }
            var start = i;
            var c = text[i];
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", i++));
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", i++));
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", i++));
                    continue;
                case '"' or '\'':
                    tokens.Add(new Token(TokenKind.String, Quoted(text, ref i, c), start));
                    continue;
                case '/':
                    tokens.Add(new Token(TokenKind.Regex, Quoted(text, ref i, '/'), start));
                    continue;
                case '=' or '!' or '<' or '>':
                    var op = i + 1 < text.Length && text[i + 1] == '=' ? text.Substring(i, 2) : text[i].ToString();
                    if (op is "=" or "!") throw new FilterSyntaxException(i, $"'{op}' is not an operator: use == or !=");
                    tokens.Add(new Token(TokenKind.Operator, op, i));
                    i += op.Length;
                    continue;
            }
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',' or '"' or '\'' or '=' or '!' or '<' or '>'))
                i++;
            var word = text[start..i];
            var isNumber = double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                           && (char.IsAsciiDigit(word[0]) || word[0] == '-');
            tokens.Add(new Token(isNumber ? TokenKind.Number : TokenKind.Word, word, start));
        }
    }

    /// <summary>
    /// Text between <paramref name="quote"/>s. In strings a backslash escapes the quote and itself; in a regex only
    /// <c>\/</c> is unescaped and other pairs are kept for the regex.
    /// </summary>
    private static string Quoted(string text, ref int i, char quote)
    {
        var start = i++;
        var sb = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '\\' && i < text.Length && quote == '/')
            {
                // In a regex only \/ is unescaped; every other escape pair (\d, \\, \.) stays as written.
                if (text[i] != '/') sb.Append('\\');
                sb.Append(text[i++]);
                continue;
            }
            if (c == '\\' && i < text.Length && (text[i] == quote || text[i] == '\\'))
            {
                sb.Append(text[i++]);
                continue;
            }
            if (c == quote) return sb.ToString();
            sb.Append(c);
        }
        throw new FilterSyntaxException(start, quote == '/' ? "the regular expression is not closed with /" : $"the string is not closed with {quote}");
    }
}
