using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SiemActors.Detection.Rules;

namespace SiemActors.Detection.Entity;

/// <summary>Routes detection messages to their entity: entity id = key field and value, shard = its stable hash.</summary>
public sealed class DetectionMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IDetectionEntityMessage m ? m.EntityId : null;
}

/// <summary>Registration of the detection entities with Akka.Hosting.</summary>
public static class DetectionRegistration
{
    /// <summary>
    /// A <c>detections</c> shard region on nodes with the <c>transform</c> role (entities publish alerts through the
    /// <see cref="IAlertPublisher"/> registered in the node's services), a proxy to it elsewhere; resolved through
    /// <c>ActorRegistry</c> as <see cref="DetectionEntity"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddDetectionEntities(this AkkaConfigurationBuilder builder, DetectionSettings settings, bool hostsEntities,
        string? dispatcher = null)
    {
        var extractor = new DetectionMessageExtractor(settings.MaxShards);
        if (!hostsEntities) return builder.WithShardRegionProxy<DetectionEntity>(DetectionEntity.TypeName, DetectionEntity.Role, extractor);
        var rules = settings.ActiveRules.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return builder.WithShardRegion<DetectionEntity>(DetectionEntity.TypeName, (_, _, resolver) =>
            {
                var publisher = resolver.GetService<IAlertPublisher>();
                return entityId =>
                {
                    var props = Props.Create(() => new DetectionEntity(entityId, settings, rules, publisher));
                    return dispatcher is null ? props : props.WithDispatcher(dispatcher);
                };
            }, extractor,
            new ShardOptions
            {
                Role = DetectionEntity.Role,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = settings.RememberEntities,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                // Entities stop themselves once idle and empty (forget-after); remembered ones must not be passivated
                // by sharding meanwhile.
                ShouldPassivateIdleEntities = false,
            });
    }
}
