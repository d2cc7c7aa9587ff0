using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SiemActors.Auth;

namespace SiemActors.Api.Auth;

/// <summary>
/// Bearer authentication for the API, the hub and management: the node's own HS256 development tokens and, when
/// <c>siem.api.auth.oidc</c> names an issuer, that issuer's RS256/ES256 tokens — a token goes to the scheme of its
/// <c>iss</c>. The roles a token grants (<see cref="RoleMapping"/>) become claims the policies check: every endpoint
/// requires <c>viewer</c> unless it says otherwise (<see cref="AnalystRoles"/>).
/// </summary>
public static class JwtAuthentication
{
    public const string HubPath = "/hubs/events";

    /// <summary>The scheme endpoints use: it forwards each token to <see cref="DevelopmentScheme"/> or <see cref="OidcScheme"/>.</summary>
    public const string Scheme = "bearer";

    public const string DevelopmentScheme = "siem-hs256";

    public const string OidcScheme = "oidc";

    /// <summary>The claim holding the user's name as the node reports and audits it.</summary>
    public const string UserClaim = "siem_user";

    public static IServiceCollection AddAnalystAuthentication(this IServiceCollection services, JwtSettings settings)
    {
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token", options => options.ForwardDefaultSelector = context =>
                settings.Oidc.Enabled && IssuerOf(context) == settings.Oidc.Issuer ? OidcScheme : DevelopmentScheme)
            .AddJwtBearer(DevelopmentScheme, options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = AnalystTokens.ValidationParameters(settings);
                options.TokenValidationParameters.NameClaimType = UserClaim;
                options.Events = Events(settings);
            });
        if (settings.Oidc.Enabled) authentication.AddJwtBearer(OidcScheme, options => Oidc(options, settings));
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(Policy(AnalystRoles.Viewer))
            .AddPolicy(AnalystRoles.Viewer, Policy(AnalystRoles.Viewer))
            .AddPolicy(AnalystRoles.Responder, Policy(AnalystRoles.Responder))
            .AddPolicy(AnalystRoles.Admin, Policy(AnalystRoles.Admin));
        return services;
    }

    private static AuthorizationPolicy Policy(string role) => new AuthorizationPolicyBuilder(Scheme)
        .RequireAuthenticatedUser().RequireClaim(AnalystRoles.ClaimType, role).Build();

    private static void Oidc(JwtBearerOptions options, JwtSettings settings)
    {
        var oidc = settings.Oidc;
        options.MapInboundClaims = false;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (oidc.Tls.Enabled)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = oidc.Tls.Callback;
            if (oidc.Tls.ClientCertificate("siem.api.auth.oidc.tls") is { } certificate) handler.SslOptions.ClientCertificates = [certificate];
        }
        // The issuer's discovery document and keys: cached, fetched again every refresh-interval and, for a token whose
        // key id is unknown (a rotation), at once — at most every minimum-refresh-interval (KeyRotation). No "last known
        // good" fallback: a key the issuer withdrew stops verifying as soon as the node has fetched the new set.
        options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(oidc.Metadata, new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) }) { RequireHttps = oidc.RequireHttps })
        {
            AutomaticRefreshInterval = oidc.RefreshInterval,
            RefreshInterval = oidc.MinimumRefreshInterval,
            UseLastKnownGoodConfiguration = false,
        };
        options.RequireHttpsMetadata = oidc.RequireHttps;
        options.RefreshOnIssuerKeyNotFound = true;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = oidc.Issuer,
            ValidAudience = oidc.Audience,
            ValidAlgorithms = oidc.Algorithms,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = settings.ClockSkew,
            NameClaimType = UserClaim,
        };
        options.Events = Events(settings);
    }

    private static JwtBearerEvents Events(JwtSettings settings)
    {
        var rotation = new KeyRotation(settings);
        return new JwtBearerEvents
        {
            // Browsers cannot set headers on WebSocket and SSE requests: SignalR sends the token as access_token.
            // Only the hub accepts it there, so tokens do not end up in the access logs of other endpoints.
            OnMessageReceived = context =>
            {
                if (QueryToken(context.HttpContext) is { } token) context.Token = token;
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    Recognise(identity, settings.Roles);
                    if (context.SecurityToken is JsonWebToken token) SignedIn(context.HttpContext, context.Principal, token);
                }
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = async context =>
            {
                await rotation.RetryAsync(context);
                if (context.Result?.Succeeded == true) return;
                var reason = context.Exception switch
                {
                    SecurityTokenExpiredException => "expired",
                    SecurityTokenInvalidAudienceException => "wrong audience",
                    SecurityTokenInvalidIssuerException => "unknown issuer",
                    SecurityTokenSignatureKeyNotFoundException => "unknown signing key",
                    SecurityTokenInvalidSignatureException => "bad signature",
                    SecurityTokenInvalidAlgorithmException => "algorithm not accepted",
                    SecurityTokenMalformedException => "malformed",
                    _ => context.Exception.GetType().Name,
                };
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<Audit.AuditsItsOwnCalls>() is null)
                    context.HttpContext.RequestServices.GetService<Audit.SignIns>()?.Refused(context.HttpContext, reason);
            },
        };
    }

    /// <summary>Audits a token's first use on this node as a sign-in.</summary>
    internal static void SignedIn(HttpContext http, ClaimsPrincipal principal, JsonWebToken token) =>
        http.RequestServices.GetService<Audit.SignIns>()?.Accepted(http, principal, token.EncodedToken,
            token.ValidTo == DateTime.MinValue ? 0 : new DateTimeOffset(token.ValidTo, TimeSpan.Zero).ToUnixTimeMilliseconds());

    /// <summary>Adds the user's name (name, preferred_username, email or sub) and the node's roles the token grants.</summary>
    internal static void Recognise(ClaimsIdentity identity, RoleMapping roles)
    {
        var user = new[] { "name", "preferred_username", "email", JwtRegisteredClaimNames.Sub }
            .Select(type => identity.FindFirst(type)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (user is not null) identity.AddClaim(new Claim(UserClaim, user));
        foreach (var role in roles.RolesOf(new ClaimsPrincipal(identity))) identity.AddClaim(new Claim(AnalystRoles.ClaimType, role));
    }

    private static string? QueryToken(HttpContext http)
    {
        var token = http.Request.Query["access_token"].ToString();
        return token.Length > 0 && http.Request.Path.StartsWithSegments(HubPath) ? token : null;
    }

    /// <summary>The request's bearer token: the Authorization header's, else (on the hub only) the access_token parameter.</summary>
    internal static string? RequestToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : QueryToken(http);
        return string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>The unverified issuer of the request's token, only to pick the scheme that verifies it.</summary>
    private static string? IssuerOf(HttpContext http)
    {
        var token = RequestToken(http);
        if (token is null) return null;
        try
        {
            return new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The user a request is authenticated as, for answers and the audit trail.</summary>
    public static string UserOf(ClaimsPrincipal principal) => principal.FindFirst(UserClaim)?.Value ?? principal.Identity?.Name ?? "(unknown)";

    /// <summary>The node's roles of the request's user.</summary>
    public static IReadOnlyList<string> RolesOf(ClaimsPrincipal principal) => principal.FindAll(AnalystRoles.ClaimType).Select(c => c.Value).ToList();
}
