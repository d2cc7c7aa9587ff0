using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using SiemActors.Auth;

namespace SiemActors.Api.Auth;

/// <summary>JWT bearer authentication for the API and the hub; every endpoint requires it unless it says otherwise.</summary>
public static class JwtAuthentication
{
    public const string HubPath = "/hubs/events";

    public static IServiceCollection AddAnalystAuthentication(this IServiceCollection services, JwtSettings settings)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = AnalystTokens.ValidationParameters(settings);
            options.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSocket and SSE requests: SignalR sends the token as access_token.
                // Only the hub accepts it there, so tokens do not end up in the access logs of other endpoints.
                OnMessageReceived = context =>
                {
                    var token = context.Request.Query["access_token"];
                    if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments(HubPath)) context.Token = token;
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder().SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser().Build());
        return services;
    }
}
