using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SiemActors.Api;
using SiemActors.Api.Audit;

namespace SiemActors.Management;

/// <summary><c>/management/audit</c>: the audit trail for <c>siemctl audit</c> (the same query and answer as <c>GET /api/audit</c>).</summary>
internal static class AuditEndpoint
{
    public static void Map(RouteGroupBuilder management) =>
        management.MapGet("/audit", (HttpContext http, AuditReader reader) => ApiEndpoints.AuditAsync(http, reader));
}
