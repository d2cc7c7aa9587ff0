using System.Security.Claims;
using System.Text.Json;
using Akka.Configuration;

namespace SiemActors.Auth;

/// <summary>
/// <c>siem.api.auth.roles</c>: which claim of a token holds its roles (a name, or a dotted path into a JSON claim such
/// as Keycloak's <c>realm_access.roles</c>) and how the identity provider's values map to the node's roles
/// (<c>"soc-analysts" = viewer</c>). A value that is itself a role's name counts as that role. Unknown values are ignored:
/// a token with no recognised role can do nothing.
/// </summary>
public sealed record RoleMapping(string Claim, IReadOnlyDictionary<string, string> Map)
{
    public static RoleMapping FromConfig(Config auth)
    {
        var claim = auth.GetString("roles.claim", "roles");
        if (string.IsNullOrWhiteSpace(claim)) throw new ConfigurationException("siem.api.auth.roles.claim is empty");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (auth.HasPath("roles.map"))
        {
            foreach (var (value, role) in auth.GetConfig("roles.map").AsEnumerable())
            {
                var name = role.GetString();
                if (AnalystRoles.Rank(name) < 0)
                    throw new ConfigurationException($"siem.api.auth.roles.map: \"{value}\" maps to \"{name}\", which is not viewer, responder or admin");
                map[value.Trim('"')] = name;
            }
        }
        return new RoleMapping(claim, map);
    }

    /// <summary>The node's roles a principal's token grants (each with the roles below it), highest last.</summary>
    public IReadOnlyList<string> RolesOf(ClaimsPrincipal principal)
    {
        var highest = -1;
        foreach (var value in Values(principal))
        {
            var role = Map.TryGetValue(value, out var mapped) ? mapped : value;
            highest = Math.Max(highest, AnalystRoles.Rank(role));
        }
        return highest < 0 ? [] : AnalystRoles.All.Take(highest + 1).ToList();
    }

    private IEnumerable<string> Values(ClaimsPrincipal principal)
    {
        var dot = Claim.IndexOf('.');
        if (dot < 0) return principal.FindAll(Claim).SelectMany(c => Split(c.Value));
        // A path into a JSON claim: realm_access.roles
        var values = new List<string>();
        foreach (var claim in principal.FindAll(Claim[..dot]))
        {
            try
            {
                using var json = JsonDocument.Parse(claim.Value);
                var node = json.RootElement;
                foreach (var part in Claim[(dot + 1)..].Split('.'))
                {
                    if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node)) goto next;
                }
                if (node.ValueKind == JsonValueKind.Array) values.AddRange(node.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
                else if (node.ValueKind == JsonValueKind.String) values.AddRange(Split(node.GetString()!));
            }
            catch (JsonException)
            {
            }
            next: ;
        }
        return values;
    }

    /// <summary>A claim value may also be one space-separated string ("viewer responder"), as some providers send scopes.</summary>
    private static IEnumerable<string> Split(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
