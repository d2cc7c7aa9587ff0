using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SiemActors.Api.Audit;
using SiemActors.Api.Auth;
using SiemActors.Api.History;
using SiemActors.Api.Live;
using SiemActors.Auth;
using SiemActors.Domain.Filtering;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api;

/// <summary>The hub and the REST API of the api role (docs/api.md). All of them require an analyst's token.</summary>
public static class ApiEndpoints
{
    /// <summary>REST answers use snake_case, like the event JSON they carry.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEndpointRouteBuilder MapSiemApi(this IEndpointRouteBuilder app, ApiSettings settings)
    {
        app.MapHub<EventsHub>(JwtAuthentication.HubPath, options =>
        {
            options.CloseOnAuthenticationExpiration = true;
            // A client that has not taken a single push for this long is disconnected (it reconnects and resubscribes);
            // below it, a slow client only loses its oldest buffered events, counted as dropped.
            options.TransportSendTimeout = settings.Live.SendTimeout;
        });

        var api = app.MapGroup("/api");
        api.MapGet("/me", (HttpContext http) => Results.Json(new
        {
            User = JwtAuthentication.UserOf(http.User),
            Roles = JwtAuthentication.RolesOf(http.User),
            Expires = http.User.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var s) ? s * 1000 : (long?)null,
        }, Json))
            // Any signed-in user, also one without a role: the UI tells them what they lack.
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(JwtAuthentication.Scheme).RequireAuthenticatedUser().Build());
        var rate = new Limits.QueryRateLimit(settings);
        api.MapGet("/events", SearchAsync).AddEndpointFilter(rate);
        api.MapGet("/stats", StatsAsync).AddEndpointFilter(rate);
        api.MapGet("/alerts", AlertsAsync).AddEndpointFilter(rate);
        api.MapGet("/alerts/states", StatesAsync);
        api.MapGet("/alerts/{id}", AlertAsync).AddEndpointFilter(rate);
        api.MapPost("/alerts/{id}/triage", TriageAsync).RequireAuthorization(AnalystRoles.Responder);
        api.MapGet("/audit", AuditAsync).RequireAuthorization(AnalystRoles.Admin).AddEndpointFilter(rate);
        return app;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, HistoryService history, ApiSettings settings)
    {
        var q = http.Request.Query;
        return await Answer(http, AuditActions.Search, Describe(q, "filter", "from", "to", "limit", "cursor"), async () =>
        {
            var request = HistoryRequest.Parse(q["filter"], q["from"], q["to"], q["limit"], q["cursor"], settings.History, Now(), limits: settings.Filter);
            var served = request.Cursor?.Served ?? 0;
            if (served >= settings.Limits.MaxResultWindow)
                throw new ApiRequestException($"this search has returned {served} rows, the most one search may (siem.api.limits.max-result-window): " +
                                              "narrow its filter or its time range");
            request = request with { Limit = (int)Math.Min(request.Limit, settings.Limits.MaxResultWindow - served) };
            var page = await history.SearchAsync(request, http.RequestAborted);
            return (Results.Json(page, Json), page.Events.Count);
        });
    }

    private static async Task<IResult> AlertsAsync(HttpContext http, Alerts.AlertsService alerts, ApiSettings settings)
    {
        var q = http.Request.Query;
        return await Answer(http, AuditActions.AlertsSearch, Describe(q, "filter", "from", "to", "limit"), async () =>
        {
            var request = HistoryRequest.Parse(q["filter"], q["from"], q["to"], q["limit"], null, settings.History, Now(), FilterFields.Alerts, settings.Filter);
            var page = await alerts.SearchAsync(request, http.RequestAborted);
            return (Results.Json(page, Json), page.Alerts.Count);
        });
    }

    private static async Task<IResult> StatsAsync(HttpContext http, HistoryService history, ApiSettings settings)
    {
        var window = http.Request.Query["window"].ToString();
        return await Answer(http, AuditActions.Stats, Describe(http.Request.Query, "window"), async () =>
        {
            var span = settings.History.StatsDefaultWindow;
            if (window.Length > 0)
            {
                var from = FilterParser.ParseTime("now-" + window, 0);
                span = TimeSpan.FromMilliseconds(-from);
                if (span <= TimeSpan.Zero || span > settings.History.MaxRange)
                    throw new ApiRequestException($"window must be positive and at most {settings.History.MaxRange:g}");
            }
            var now = Now();
            return (Results.Json(await history.StatsAsync(now - (long)span.TotalMilliseconds, now, http.RequestAborted), Json), -1);
        });
    }

    /// <summary><c>GET /api/alerts/states?ids=a,b</c>: the triage state of each alert (not audited: no event data).</summary>
    private static async Task<IResult> StatesAsync(HttpContext http, Alerts.AlertTriage triage)
    {
        var ids = http.Request.Query["ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > 1000) return Results.Json(new ApiError("at most 1000 ids", null), Json, statusCode: StatusCodes.Status400BadRequest);
        var (result, _, _) = await Run(async () => (Results.Json(new { States = await triage.StatesAsync(ids, http.RequestAborted) }, Json), ids.Length));
        return result;
    }

    /// <summary><c>GET /api/alerts/{id}</c>: the alert, its triage state and every change (notes included), oldest first.</summary>
    private static async Task<IResult> AlertAsync(HttpContext http, string id, Alerts.AlertsService alerts, Alerts.AlertTriage triage)
    {
        return await Answer(http, AuditActions.AlertsSearch, $"id={id}", async () =>
        {
            var alert = await alerts.GetAsync(id, http.RequestAborted) ?? throw new Alerts.AlertNotFoundException(id);
            var state = (await triage.StatesAsync([id], http.RequestAborted))[0];
            var changes = await triage.HistoryAsync(id, http.RequestAborted);
            return (Results.Json(new { Alert = new RawJson(SiemActors.Domain.Alerts.AlertJson.ToUtf8(alert)), State = state, Changes = changes }, Json), 1);
        });
    }

    /// <summary><c>POST /api/alerts/{id}/triage</c> (responder): acknowledge, assign, close, reopen or annotate the alert.</summary>
    private static async Task<IResult> TriageAsync(HttpContext http, string id, Alerts.AlertTriage triage)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Results.Json(new ApiError($"the body is not JSON: {ex.Message}", null), Json, statusCode: StatusCodes.Status400BadRequest);
        }
        var asked = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : "?";
        return await Answer(http, AuditActions.AlertChange, $"id={id} action={asked} {Describe(body)}", async () =>
        {
            var request = Alerts.TriageRequest.Parse(body);
            var (change, state) = await triage.ChangeAsync(id, request, JwtAuthentication.UserOf(http.User), http.RequestAborted);
            return (Results.Json(new { Change = change, State = state }, Json), 1);
        });
    }

    private static string Describe(JsonElement body) => body.ValueKind != JsonValueKind.Object ? "" : string.Join(' ',
        new[] { "assignee", "reason", "note" }.Where(n => body.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String)
            .Select(n => $"{n}={body.GetProperty(n).GetString()}"));

    /// <summary><c>GET /api/audit</c> (admin): the audit trail, newest first (docs/security.md).</summary>
    public static async Task<IResult> AuditAsync(HttpContext http, AuditReader reader)
    {
        var q = http.Request.Query;
        return await Answer(http, AuditActions.AuditRead, Describe(q, "from", "to", "user", "action", "contains", "limit"), async () =>
        {
            var query = AuditQuery.Parse(q["from"], q["to"], q["user"], q["action"], q["contains"], q["limit"], Now());
            var entries = await reader.ReadAsync(query, http.RequestAborted);
            return (Results.Json(new { Entries = entries }, Json), entries.Count);
        });
    }

    /// <summary>The query's parameters that say what was asked, for the audit trail.</summary>
    private static string Describe(IQueryCollection query, params string[] names) =>
        string.Join(' ', names.Where(n => query.ContainsKey(n)).Select(n => $"{n}={query[n]}"));

    /// <summary>
    /// Runs a read and audits it with the rows it returned; errors as JSON: 400 with the message (and a bad filter's
    /// position), 503 when ClickHouse or the archive cannot answer, 500 for a damaged archive object.
    /// </summary>
    private static async Task<IResult> Answer(HttpContext http, string action, string detail, Func<Task<(IResult Result, long Size)>> handler)
    {
        var audit = http.RequestServices.GetService<AuditTrail>();
        var (result, size, status) = await Run(handler);
        audit?.Record(http, action, detail, status < 400 ? "ok" : status < 500 ? "refused" : "error", status, size);
        return result;
    }

    private static async Task<(IResult Result, long Size, int Status)> Run(Func<Task<(IResult Result, long Size)>> handler)
    {
        try
        {
            var (result, size) = await handler();
            return (result, size, StatusCodes.Status200OK);
        }
        catch (FilterSyntaxException ex)
        {
            return Error(ex.Reason, ex.Position, StatusCodes.Status400BadRequest);
        }
        catch (ApiRequestException ex)
        {
            return Error(ex.Message, null, StatusCodes.Status400BadRequest);
        }
        catch (Alerts.AlertNotFoundException ex)
        {
            return Error(ex.Message, null, StatusCodes.Status404NotFound);
        }
        catch (Alerts.TriageConflictException ex)
        {
            return Error(ex.Message, null, StatusCodes.Status409Conflict);
        }
        catch (Exception ex) when (ex is TimeoutException or ClickHouseServerException or HttpRequestException || Archive.ArchiveStoreErrors.IsStoreFailure(ex))
        {
            return Error($"the event store cannot answer: {ex.Message}", null, StatusCodes.Status503ServiceUnavailable);
        }
        catch (Archive.ArchiveCorruptException ex)
        {
            return Error($"the archive holds an object it cannot read: {ex.Message}", null, StatusCodes.Status500InternalServerError);
        }
    }

    private static (IResult Result, long Size, int Status) Error(string message, int? position, int status) =>
        (Results.Json(new ApiError(message, position), Json, statusCode: status), -1, status);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

/// <summary>An error answer: what is wrong and, for a filter, the 0-based position of the error in it.</summary>
public sealed record ApiError(string Error, int? Position);
