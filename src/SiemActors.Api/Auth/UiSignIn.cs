using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using SiemActors.Auth;

namespace SiemActors.Api.Auth;

/// <summary>
/// How the UI signs in (<c>GET /api/auth/config</c>, anonymous: the page asks before it has a token): with the
/// organisation's issuer — authorization code with PKCE, as a public client (<c>siem.api.auth.oidc.ui-client-id</c>),
/// the endpoints taken from the issuer's discovery document — or, without one, with a pasted token. It also gives the
/// Content-Security-Policy the issuer's token endpoint, the one cross-origin call the UI makes.
/// </summary>
public sealed class UiSignIn(JwtSettings settings, IOptionsMonitor<JwtBearerOptions> bearer)
{
    private volatile string? _tokenOrigin;

    /// <summary>The answer to <c>GET /api/auth/config</c>.</summary>
    public async Task<object> ConfigAsync(CancellationToken ct)
    {
        var oidc = settings.Oidc;
        if (!oidc.Enabled || oidc.UiClientId.Length == 0) return new { Oidc = (object?)null };
        var discovery = await Discovery(ct);
        if (Uri.TryCreate(discovery.TokenEndpoint, UriKind.Absolute, out var token)) _tokenOrigin = token.GetLeftPart(UriPartial.Authority);
        return new
        {
            Oidc = new
            {
                oidc.Issuer, ClientId = oidc.UiClientId, Scopes = oidc.UiScopes, Audience = oidc.Audience,
                discovery.AuthorizationEndpoint, discovery.TokenEndpoint,
            },
        };
    }

    /// <summary>Origins the UI may call besides its own: the issuer's (and its token endpoint's, once known).</summary>
    public string ConnectSources()
    {
        if (!settings.Oidc.Enabled || settings.Oidc.UiClientId.Length == 0) return "";
        var issuer = new Uri(settings.Oidc.Issuer).GetLeftPart(UriPartial.Authority);
        return _tokenOrigin is { } token && token != issuer ? $" {issuer} {token}" : $" {issuer}";
    }

    private Task<OpenIdConnectConfiguration> Discovery(CancellationToken ct) =>
        bearer.Get(JwtAuthentication.OidcScheme).ConfigurationManager!.GetConfigurationAsync(ct);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/auth/config", async (UiSignIn signIn, HttpContext http) =>
        {
            try
            {
                return Results.Json(await signIn.ConfigAsync(http.RequestAborted), ApiEndpoints.Json);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
            {
                return Results.Json(new ApiError($"the identity provider's discovery document cannot be read: {ex.Message}", null), ApiEndpoints.Json,
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();
}
