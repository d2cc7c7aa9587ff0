using SiemActors.Api;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SiemActors.Management;

/// <summary>A sharding region on one node: its shards and the entities each holds.</summary>
public sealed record RegionView(string Node, int Shards, int Entities, IReadOnlyDictionary<string, int> EntitiesPerShard);

public sealed record ShardTypeView(string TypeName, IReadOnlyList<RegionView> Regions, string? Error);

/// <summary><c>/management/shards</c>: per entity type, the shards and entity counts of every node's region.</summary>
internal static class ShardsEndpoint
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static void Map(RouteGroupBuilder management) =>
        management.MapGet("/shards", async (ActorSystem system) =>
        {
            var sharding = ClusterSharding.Get(system);
            var types = new List<ShardTypeView>();
            foreach (var typeName in sharding.ShardTypeNames.OrderBy(t => t, StringComparer.Ordinal))
            {
                try
                {
                    var stats = await sharding.ShardRegion(typeName).Ask<ClusterShardingStats>(new GetClusterShardingStats(Timeout), Timeout + TimeSpan.FromSeconds(1));
                    types.Add(new ShardTypeView(typeName, stats.Regions
                        .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
                        .Select(r => new RegionView(r.Key.ToString(), r.Value.Stats.Count, r.Value.Stats.Values.Sum(),
                            r.Value.Stats.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Value)))
                        .ToList(), null));
                }
                catch (AskTimeoutException)
                {
                    types.Add(new ShardTypeView(typeName, [], $"the regions did not answer within {Timeout.TotalSeconds:0}s"));
                }
            }
            return Results.Json(types, ApiEndpoints.Json);
        });
}
