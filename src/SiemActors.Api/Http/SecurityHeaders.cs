using Microsoft.AspNetCore.Http;

namespace SiemActors.Api.Http;

/// <summary>
/// Headers on every answer that keep the UI from being framed, sniffed or made to run a script it did not ship:
/// a Content-Security-Policy without inline scripts or styles (the UI has none), <c>frame-ancestors 'none'</c>,
/// <c>nosniff</c>, no referrer, and on HTTPS the HSTS header.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, HttpServerSecurity security)
{
    /// <summary>The UI's policy: its own scripts, styles and connections (the hub's WebSocket is same-origin) and nothing else.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private readonly string _hsts = $"max-age={(long)security.HstsMaxAge.TotalSeconds}; includeSubDomains";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.IsHttps && security.HstsMaxAge > TimeSpan.Zero) headers.StrictTransportSecurity = _hsts;
        return next(context);
    }
}
