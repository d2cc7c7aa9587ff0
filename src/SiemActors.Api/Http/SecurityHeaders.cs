using Microsoft.AspNetCore.Http;

namespace SiemActors.Api.Http;

/// <summary>
/// Headers on every answer that keep the UI from being framed, sniffed or made to run a script it did not ship:
/// a Content-Security-Policy without inline scripts or styles (the UI has none), <c>frame-ancestors 'none'</c>,
/// <c>nosniff</c>, no referrer, and on HTTPS the HSTS header.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, HttpServerSecurity security)
{
    /// <summary>
    /// The UI's policy: its own scripts, styles and connections (the hub's WebSocket is same-origin) and, when the UI
    /// signs in at an identity provider, that provider's token endpoint; nothing else.
    /// </summary>
    public static string ContentSecurityPolicy(string connectSources = "") =>
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'" + connectSources + "; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private readonly string _hsts = $"max-age={(long)security.HstsMaxAge.TotalSeconds}; includeSubDomains";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        var signIn = context.RequestServices.GetService(typeof(Auth.UiSignIn)) as Auth.UiSignIn;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(signIn?.ConnectSources() ?? "");
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.IsHttps && security.HstsMaxAge > TimeSpan.Zero) headers.StrictTransportSecurity = _hsts;
        return next(context);
    }
}
