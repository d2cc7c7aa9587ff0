using Akka.Configuration;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.Audit;

/// <summary>Registers the audit trail (every node: api nodes audit analysts, every node audits management calls).</summary>
public static class AuditHosting
{
    public static IServiceCollection AddSiemAudit(this IServiceCollection services, Config config)
    {
        if (services.Any(d => d.ServiceType == typeof(AuditTrail))) return services;
        var store = ClickHouseSinkSettings.Create(config);
        var settings = AuditSettings.FromConfig(config);
        var history = ApiSettings.Create(config).History;
        services.AddSingleton(settings);
        services.AddSingleton(sp => new AuditTrail(
            new ClickHouseAuditWriter(new ClickHouseHttpClient(store, Logging.GetLogger(sp.GetRequiredService<Akka.Actor.ActorSystem>(), nameof(AuditTrail))), store), settings,
            sp.GetRequiredService<ILogger<AuditTrail>>()));
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrail>());
        services.TryAddSingleton<SignIns>();
        services.AddSingleton(sp => new AuditReader(new ClickHouseHttpClient(store, Logging.GetLogger(sp.GetRequiredService<Akka.Actor.ActorSystem>(), nameof(AuditTrail))), store, history));
        return services;
    }
}
