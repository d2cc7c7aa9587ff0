using SiemActors.Api;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SiemActors.Management;

/// <summary>A cluster member as <c>siemctl cluster show</c> prints it.</summary>
public sealed record MemberView(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, bool Leader, bool Self);

public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable);

/// <summary>A request to join, leave or down: the member's address, <c>akka.tcp://siem@host:port</c>.</summary>
public sealed record AddressRequest(string Address);

/// <summary><c>/management/cluster</c>: members with roles, status and reachability; join, leave, down.</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder management)
    {
        management.MapGet("/cluster", (ActorSystem system) => Results.Json(View(Cluster.Get(system)), ApiEndpoints.Json));
        management.MapPost("/cluster/join", (ActorSystem system, AddressRequest request) =>
            WithAddress(request, address =>
            {
                Cluster.Get(system).Join(address);
                return Results.Json(new { accepted = "join", address = address.ToString() }, ApiEndpoints.Json, statusCode: StatusCodes.Status202Accepted);
            }));
        management.MapPost("/cluster/leave", (ActorSystem system, AddressRequest request) =>
            WithAddress(request, address => Member(system, address, cluster => cluster.Leave(address), "leave")));
        management.MapPost("/cluster/down", (ActorSystem system, AddressRequest request) =>
            WithAddress(request, address => Member(system, address, cluster => cluster.Down(address), "down")));
    }

    public static ClusterView View(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members
            .Select(m => new MemberView(m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r).ToList(), !unreachable.Contains(m.Address),
                m.Address == state.Leader, m.Address == cluster.SelfAddress))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .ToList();
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members, unreachable.Select(a => a.ToString()).ToList());
    }

    private static IResult Member(ActorSystem system, Address address, Action<Cluster> act, string verb)
    {
        var cluster = Cluster.Get(system);
        if (!cluster.State.Members.Any(m => m.Address == address))
            return Results.Json(new { error = $"{address} is not a member of this cluster" }, ApiEndpoints.Json, statusCode: StatusCodes.Status404NotFound);
        act(cluster);
        return Results.Json(new { accepted = verb, address = address.ToString() }, ApiEndpoints.Json, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult WithAddress(AddressRequest? request, Func<Address, IResult> then)
    {
        try
        {
            var address = Address.Parse(request?.Address ?? "");
            if (address.Host is null || address.Port is null) throw new UriFormatException("no host or port");
            return then(address);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            return Results.Json(new { error = $"not a member address ({ex.Message}): expected akka.tcp://siem@host:port" }, ApiEndpoints.Json,
                statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
