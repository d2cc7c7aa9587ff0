namespace SiemActors.Api.Tests;

/// <summary>
/// The api over the Redis Cluster that scripts/services.sh started (SIEM_REDIS_CLUSTER, default 127.0.0.1:7000-7002 as
/// seeds): live streams and alerts in slots of several masters, writes waiting for one replica.
/// </summary>
public sealed class ClusterApiHost : ApiHost
{
    protected override string RedisEndpoint =>
        Environment.GetEnvironmentVariable("SIEM_REDIS_CLUSTER") ?? new SiemActors.Testing.RedisClusterNodes().Endpoint;

    protected override string RedisExtra => ", wait-replicas = 1";
}
