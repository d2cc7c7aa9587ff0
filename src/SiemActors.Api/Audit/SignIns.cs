using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SiemActors.Api.Audit;

/// <summary>
/// Which tokens this node has seen, so that a token's first use is audited as a sign-in and its thousand later
/// requests are not; and a rate bound on refused tokens per client address, so that a flood of forged tokens cannot
/// fill the trail (at most one refused sign-in per address per <see cref="RefusalInterval"/>).
/// </summary>
public sealed class SignIns(AuditTrail trail)
{
    private const int MaxRemembered = 100_000;
    private static readonly TimeSpan RefusalInterval = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);

    /// <summary>Audits the sign-in when this token (by its signature) was not seen before.</summary>
    public void Accepted(HttpContext http, System.Security.Claims.ClaimsPrincipal principal, string token, long expiresMs)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(token)), 0, 16);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (_seen.Count >= MaxRemembered) Purge(_seen, now);
        if (!_seen.TryAdd(key, expiresMs > 0 ? expiresMs : now + 3_600_000)) return;
        trail.Record(principal, null, AuditTrail.Remote(http), AuditActions.SignIn, $"{http.Request.Method} {http.Request.Path}", "ok", StatusCodes.Status200OK);
    }

    /// <summary>Audits a refused token (at most one per client address per interval), with the reason.</summary>
    public void Refused(HttpContext http, string reason)
    {
        var remote = AuditTrail.Remote(http);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (_refused.Count >= MaxRemembered) Purge(_refused, now);
        var until = now + (long)RefusalInterval.TotalMilliseconds;
        var last = _refused.GetOrAdd(remote, 0);
        if (last > now || !_refused.TryUpdate(remote, until, last)) return;
        trail.Record(null, "(refused token)", remote, AuditActions.SignIn, $"{http.Request.Method} {http.Request.Path}: {reason}", "refused",
            StatusCodes.Status401Unauthorized);
    }

    private static void Purge(ConcurrentDictionary<string, long> entries, long now)
    {
        foreach (var (key, until) in entries)
            if (until <= now) entries.TryRemove(key, out _);
        if (entries.Count >= MaxRemembered) entries.Clear(); // a flood of live entries: forget them rather than grow
    }
}
