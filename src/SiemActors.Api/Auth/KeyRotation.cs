using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SiemActors.Auth;

namespace SiemActors.Api.Auth;

/// <summary>
/// A token signed with a key the node's cached JWKS does not hold yet (the issuer rotated its keys): the JWKS is
/// fetched again at once (at most every <c>minimum-refresh-interval</c>, so forged key ids cannot make the node hammer
/// the issuer) and the token checked against the new keys in the same request — instead of the stock handler's 401
/// for the request that noticed, which every node would answer to the first call after each rotation.
/// </summary>
internal sealed class KeyRotation(JwtSettings settings)
{
    private long _lastForced = long.MinValue / 2;

    public async Task RetryAsync(AuthenticationFailedContext context)
    {
        if (context.Exception is not SecurityTokenSignatureKeyNotFoundException || context.Options.ConfigurationManager is not { } manager) return;
        if (JwtAuthentication.RequestToken(context.HttpContext) is not { } token) return;
        try
        {
            var ct = context.HttpContext.RequestAborted;
            var stale = await manager.GetConfigurationAsync(ct).ConfigureAwait(false);
            // One forced fetch per minimum-refresh-interval; the requests in between are refused at once, without waiting.
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastForced);
            if (now - last < (long)settings.Oidc.MinimumRefreshInterval.TotalMilliseconds || Interlocked.CompareExchange(ref _lastForced, now, last) != last) return;
            manager.RequestRefresh();
            // The manager fetches in the background: wait (a little) for the new document.
            var configuration = stale;
            for (var i = 0; i < 40 && ReferenceEquals(configuration, stale); i++)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
                configuration = await manager.GetConfigurationAsync(ct).ConfigureAwait(false);
            }
            var parameters = context.Options.TokenValidationParameters.Clone();
            parameters.IssuerSigningKeys = configuration.SigningKeys;
            var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
            if (!result.IsValid || result.ClaimsIdentity is null) return;
            JwtAuthentication.Recognise(result.ClaimsIdentity, settings.Roles);
            context.Principal = new ClaimsPrincipal(result.ClaimsIdentity);
            if (result.SecurityToken is JsonWebToken verified) JwtAuthentication.SignedIn(context.HttpContext, context.Principal, verified);
            context.Success();
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException
                                       or SecurityTokenException)
        {
            // The issuer's keys cannot be fetched now, or the request ended: the token stays refused (401), never a 500;
            // the handler logs the original failure.
        }
    }
}
