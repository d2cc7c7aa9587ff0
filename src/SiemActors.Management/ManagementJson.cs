using System.Text.Json;

namespace SiemActors.Management;

/// <summary>The management API's JSON: snake_case, like the rest of the REST API.</summary>
internal static class ManagementJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
