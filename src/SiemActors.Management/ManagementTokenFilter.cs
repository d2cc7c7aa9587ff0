using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SiemActors.Api.Audit;
using SiemActors.Api.Auth;
using SiemActors.Auth;

namespace SiemActors.Management;

/// <summary>
/// Admits management requests that carry <c>Authorization: Bearer &lt;management token&gt;</c> (compared in constant
/// time) or, on a node with the api role, an analyst's token with the <c>admin</c> role. No token or a wrong one: 401;
/// a valid analyst token without <c>admin</c>: 403. Both with a JSON reason.
/// </summary>
internal sealed class ManagementTokenFilter(string token) : IEndpointFilter
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var given = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()) : [];
        var audit = http.RequestServices.GetService<AuditTrail>();
        var call = $"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}";
        if (CryptographicOperations.FixedTimeEquals(given, _expected)) return await Audited(next, context, audit, call, TokenUser);
        if (given.Length > 0 && await AnalystAsync(http) is { } analyst)
        {
            http.User = analyst;
            if (!analyst.HasClaim(AnalystRoles.ClaimType, AnalystRoles.Admin))
            {
                audit?.Record(http, AuditActions.Management, call, "refused", StatusCodes.Status403Forbidden);
                return Results.Json(new { error = $"{JwtAuthentication.UserOf(analyst)} lacks the admin role that management requires" },
                    statusCode: StatusCodes.Status403Forbidden);
            }
            return await Audited(next, context, audit, call, null);
        }
        audit?.Record(http, AuditActions.Management, call, "refused", StatusCodes.Status401Unauthorized, user: "(no valid token)");
        return Results.Json(new { error = given.Length == 0 ? "a management token or an admin's token is required" : "the token is not valid here" },
            statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>The user the audit trail names for calls made with the management token.</summary>
    public const string TokenUser = "(management token)";

    private static async ValueTask<object?> Audited(EndpointFilterDelegate next, EndpointFilterInvocationContext context, AuditTrail? audit, string call, string? user)
    {
        var result = await next(context);
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        audit?.Record(context.HttpContext, AuditActions.Management, call, status < 400 ? "ok" : status < 500 ? "refused" : "error", status, user: user);
        return result;
    }

    /// <summary>The analyst the request's token authenticates, where this node checks analysts' tokens (the api role).</summary>
    private static async Task<System.Security.Claims.ClaimsPrincipal?> AnalystAsync(HttpContext http)
    {
        var schemes = http.RequestServices.GetService<IAuthenticationSchemeProvider>();
        if (schemes is null || await schemes.GetSchemeAsync(JwtAuthentication.Scheme) is null) return null;
        var result = await http.AuthenticateAsync(JwtAuthentication.Scheme);
        return result.Succeeded ? result.Principal : null;
    }
}
