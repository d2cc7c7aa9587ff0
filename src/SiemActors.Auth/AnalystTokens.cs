using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SiemActors.Auth;

/// <summary>Issues analysts' tokens (HS256) and states how they are validated; the node and <c>siemctl token</c> share it.</summary>
public static class AnalystTokens
{
    /// <summary>A development token for <paramref name="user"/> with <paramref name="role"/> (viewer by default) in the <c>roles</c> claim.</summary>
    public static string Issue(JwtSettings settings, string user, TimeSpan? lifetime = null, DateTimeOffset? now = null, string role = AnalystRoles.Viewer)
    {
        if (string.IsNullOrWhiteSpace(user)) throw new ArgumentException("a token names its user", nameof(user));
        if (AnalystRoles.Rank(role) < 0) throw new ArgumentException($"role must be viewer, responder or admin, not \"{role}\"", nameof(role));
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, user), new Claim("name", user), new Claim("roles", role)]),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? settings.TokenLifetime),
            SigningCredentials = new SigningCredentials(Key(settings), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public static TokenValidationParameters ValidationParameters(JwtSettings settings) => new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        IssuerSigningKey = Key(settings),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = settings.ClockSkew,
        NameClaimType = "name",
    };

    private static SymmetricSecurityKey Key(JwtSettings settings) => new(settings.Secret());
}
