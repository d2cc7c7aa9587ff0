using SiemActors.Api;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SiemActors.Management;

/// <summary>An actor of this node: its path, its class, its mailbox depth (messages waiting) and its children.</summary>
public sealed record ActorView(string Path, string Type, int MailboxDepth, int ChildCount, IReadOnlyList<ActorView> Children);

/// <summary><c>/management/actors?depth=N</c>: this node's actor hierarchy under <c>/user</c> and <c>/system</c>.</summary>
internal static class ActorsEndpoint
{
    private const int MaxChildrenShown = 200;

    public static void Map(RouteGroupBuilder management) =>
        management.MapGet("/actors", (ActorSystem system, int? depth) =>
        {
            var limit = Math.Clamp(depth ?? 3, 1, 20);
            var provider = ((ExtendedActorSystem)system).Provider;
            return Results.Json(new[] { Describe(provider.Guardian, limit), Describe(provider.SystemGuardian, limit) }, ApiEndpoints.Json);
        });

    private static ActorView Describe(IActorRef actor, int depth)
    {
        if (actor is not ActorRefWithCell withCell) return new ActorView(actor.Path.ToStringWithoutAddress(), actor.GetType().Name, 0, 0, []);
        var cell = withCell.Underlying;
        var children = withCell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal).ToList();
        var shown = depth > 1 ? children.Take(MaxChildrenShown).Select(c => Describe(c, depth - 1)).ToList() : [];
        return new ActorView(actor.Path.ToStringWithoutAddress(), cell.Props.Type?.Name ?? actor.GetType().Name, cell.NumberOfMessages, children.Count, shown);
    }
}
