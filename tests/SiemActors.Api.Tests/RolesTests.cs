using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SiemActors.Auth;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>
/// Every role against every endpoint of the API and the hub (docs/security.md, "Roles"): allowed where the role
/// includes the endpoint's, refused with 403 where not, and 401 without a token. A token without a recognised role
/// signs in (/api/me) and may do nothing else. Management's pairs run on a real node (OperationsTests).
/// </summary>
public sealed class RolesTests(ApiHost host) : IClassFixture<ApiHost>
{
    public const string NoRole = "none";
    public const string Anonymous = "anonymous";

    /// <summary>Each endpoint and the least role it needs ("" for any signed-in user).</summary>
    private static readonly (string Endpoint, string Needs)[] Endpoints =
    [
        ("GET /api/me", ""),
        ("GET /api/events", AnalystRoles.Viewer),
        ("GET /api/stats", AnalystRoles.Viewer),
        ("GET /api/alerts", AnalystRoles.Viewer),
        ("GET /api/alerts/states", AnalystRoles.Viewer),
        ("GET /api/alerts/{id}", AnalystRoles.Viewer),
        ("HUB subscribe", AnalystRoles.Viewer),
        ("POST /api/alerts/{id}/triage", AnalystRoles.Responder),
        ("GET /api/audit", AnalystRoles.Admin),
    ];

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (endpoint, _) in Endpoints)
        foreach (var role in new[] { Anonymous, NoRole, AnalystRoles.Viewer, AnalystRoles.Responder, AnalystRoles.Admin })
            data.Add(endpoint, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Each_role_is_allowed_exactly_the_endpoints_its_rank_includes(string endpoint, string role)
    {
        var needs = Endpoints.Single(e => e.Endpoint == endpoint).Needs;
        var expected = role == Anonymous ? HttpStatusCode.Unauthorized
            : needs.Length == 0 || (role != NoRole && AnalystRoles.Rank(role) >= AnalystRoles.Rank(needs)) ? HttpStatusCode.OK
            : HttpStatusCode.Forbidden;
        var token = role switch
        {
            Anonymous => null,
            NoRole => WithoutRole("nobody"),
            _ => host.Token($"{role}-user", role: role),
        };
        var actual = await CallAsync(endpoint, token);
        Assert.True(expected == actual, $"{endpoint} as {role}: expected {(int)expected}, got {(int)actual}");
    }

    private async Task<HttpStatusCode> CallAsync(string endpoint, string? token)
    {
        if (endpoint == "HUB subscribe")
        {
            await using var hub = host.Hub(token);
            try
            {
                await hub.StartAsync();
                var result = await hub.InvokeAsync<Live.SubscribeResult>("Subscribe", "true", new Live.SubscribeOptions());
                return result.SubscriptionId is not null ? HttpStatusCode.OK : HttpStatusCode.InternalServerError;
            }
            catch (HttpRequestException ex) when (ex.StatusCode is { } status)
            {
                return status;
            }
        }
        var alert = await AlertAsync();
        using var http = host.Http(token);
        var path = endpoint.Split(' ')[1].Replace("{id}", alert.AlertId, StringComparison.Ordinal) +
                   (endpoint.EndsWith("/states", StringComparison.Ordinal) ? "?ids=" + alert.AlertId : "");
        using var response = endpoint.StartsWith("POST", StringComparison.Ordinal)
            ? await http.PostAsJsonAsync(path, new { action = "note", note = "checked" })
            : await http.GetAsync(path);
        return response.StatusCode;
    }

    private Alert? _alert;

    private async Task<Alert> AlertAsync()
    {
        if (_alert is not null) return _alert;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _alert = new Alert($"roles-{Guid.NewGuid():N}", "roles-rule", Severity.Warning, "d", "src_ip", "10.0.0.9", now - 10, now, 1, [], now);
        await host.StoreAlertsAsync([_alert]);
        return _alert;
    }

    /// <summary>A valid development token that carries no role.</summary>
    private string WithoutRole(string user) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = host.Settings.Auth.Issuer, Audience = host.Settings.Auth.Audience, Expires = DateTime.UtcNow.AddMinutes(10),
        Claims = new Dictionary<string, object> { ["sub"] = user, ["name"] = user },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(ApiHost.Secret)), SecurityAlgorithms.HmacSha256),
    });
}
