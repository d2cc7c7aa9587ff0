using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SiemActors.Management;

/// <summary>
/// Admits management requests that carry <c>Authorization: Bearer &lt;management token&gt;</c>, compared in constant
/// time; anything else gets 401 with a JSON reason. Analysts' JWTs are not management tokens.
/// </summary>
internal sealed class ManagementTokenFilter(string token) : IEndpointFilter
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var given = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()) : [];
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
            return Results.Json(new { error = given.Length == 0 ? "a management token is required" : "the management token is wrong" },
                statusCode: StatusCodes.Status401Unauthorized);
        return await next(context);
    }
}
