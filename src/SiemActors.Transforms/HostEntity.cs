using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace SiemActors.Transforms;

/// <summary>
/// One host's entity in the <c>hosts</c> shard region (role <c>transform</c>): applies each batch's facts to its
/// <see cref="HostState"/> and replies with the enrichment. State lives in memory for now; persisting it is the
/// detection work's.
/// </summary>
public sealed class HostEntity : ReceiveActor
{
    public const string TypeName = "hosts";
    public const string Role = "transform";

    private readonly HostState _state = new();

    public HostEntity()
    {
        Receive<EnrichHost>(facts => Sender.Tell(_state.Apply(facts)));
        Receive<EnrichHostBatches>(batches => Sender.Tell(new HostBatchesEnriched(batches.Host, Array.ConvertAll(batches.Parts, _state.Apply))));
    }
}

/// <summary>Routes host messages to their entity: entity id = host name, shard = its stable hash.</summary>
public sealed class HostMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IHostMessage m ? m.Host : null;
}

/// <summary>Registration of the host entities with Akka.Hosting.</summary>
public static class HostEntityRegistration
{
    /// <summary>
    /// A <c>hosts</c> shard region on nodes with the <c>transform</c> role, a proxy to it elsewhere; resolved through
    /// <c>ActorRegistry</c> as <see cref="HostEntity"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddHostEntities(this AkkaConfigurationBuilder builder, bool hostsEntities, int maxShards = 100,
        string? dispatcher = null)
    {
        var extractor = new HostMessageExtractor(maxShards);
        var props = Props.Create(() => new HostEntity());
        if (dispatcher is not null) props = props.WithDispatcher(dispatcher);
        return hostsEntities
            ? builder.WithShardRegion<HostEntity>(HostEntity.TypeName, _ => props, extractor,
                // DData: the coordinator's shard allocations are replicated among the transform nodes in memory, so a
                // coordinator that moves (its node died) knows where every shard lives. The default, persistence,
                // would recover it from a journal — the in-memory one unless a real plugin is configured, which forgets
                // allocations with the node and could place a shard twice.
                new ShardOptions { Role = HostEntity.Role, PassivateIdleEntityAfter = TimeSpan.FromHours(1), StateStoreMode = StateStoreMode.DData })
            : builder.WithShardRegionProxy<HostEntity>(HostEntity.TypeName, HostEntity.Role, extractor);
    }
}
