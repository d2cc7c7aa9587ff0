using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using SiemActors.Api.Audit;
using SiemActors.Api.Auth;

namespace SiemActors.Api.Limits;

/// <summary>
/// Searches per user per minute (<c>siem.api.limits.queries-per-minute</c>), as a token bucket per user: a burst of the
/// whole minute's allowance, then one more every 60 s / allowance. Beyond it, 429 with <c>Retry-After</c> (whole seconds)
/// and the reason as JSON, audited as refused. Per node: a user's searches spread over several api nodes are bounded per node.
/// </summary>
public sealed class QueryRateLimit(ApiSettings settings) : IEndpointFilter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _perMs = settings.Limits.QueriesPerMinute / 60_000.0;
    private readonly int _capacity = settings.Limits.QueriesPerMinute;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var user = JwtAuthentication.UserOf(http.User);
        var wait = Take(user, Environment.TickCount64);
        if (wait <= TimeSpan.Zero) return await next(context);
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reason = $"{user} ran {_capacity} searches within a minute on this node (siem.api.limits.queries-per-minute); retry in {seconds} s";
        (http.RequestServices.GetService(typeof(AuditTrail)) as AuditTrail)?.Record(http, AuditActions.Search,
            $"{http.Request.Path}{http.Request.QueryString}: {reason}", "refused", StatusCodes.Status429TooManyRequests);
        return Results.Json(new ApiError(reason, null), ApiEndpoints.Json, statusCode: StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Takes one search from the user's bucket; how long until one is available when it is empty.</summary>
    internal TimeSpan Take(string user, long nowMs)
    {
        if (_buckets.Count > 100_000) _buckets.Clear(); // a flood of users (of forged names, which cannot sign in): forget them
        var bucket = _buckets.GetOrAdd(user, _ => new Bucket(_capacity, nowMs));
        lock (bucket)
        {
            bucket.Tokens = Math.Min(_capacity, bucket.Tokens + (nowMs - bucket.At) * _perMs);
            bucket.At = nowMs;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return TimeSpan.Zero;
            }
            return TimeSpan.FromMilliseconds((1 - bucket.Tokens) / _perMs);
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens = tokens;
        public long At = at;
    }
}
