using System.Text.Json;
using Akka.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;
using SiemActors.Api.Audit;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;

namespace SiemActors.Management;

/// <summary>Wires node operations into a node: readiness checks, the management API, health and metrics endpoints.</summary>
public static class ManagementHosting
{
    private const string Ready = "ready";

    /// <summary>Checks: cluster membership always; the pipeline, Redis and ClickHouse on ingest nodes.</summary>
    public static IServiceCollection AddSiemManagement(this IServiceCollection services, ManagementSettings settings, Config config, bool ingest)
    {
        _ = settings.Token(); // fail at start, not at the first request, when there is no usable token
        services.AddSingleton(settings);
        var checks = services.AddHealthChecks().AddCheck<ClusterMemberCheck>("cluster", tags: [Ready]);
        if (ingest)
        {
            services.AddSingleton(RedisSinkSettings.Create(config));
            services.AddSingleton(ClickHouseSinkSettings.Create(config));
            // One instance each: the checks keep their connection between probes.
            services.AddSingleton<RedisCheck>();
            services.AddSingleton<ClickHouseCheck>();
            checks.AddCheck<PipelineCheck>("pipeline", tags: [Ready])
                .AddCheck<IngestGapCheck>("ingest-gaps", tags: [Ready])
                .AddCheck<RedisCheck>("redis", tags: [Ready])
                .AddCheck<ClickHouseCheck>("clickhouse", tags: [Ready]);
        }
        return services;
    }

    /// <summary>
    /// <c>/health/live</c> and <c>/health/ready</c> (anonymous, for probes), <c>/management/*</c> (management token),
    /// <c>/metrics</c> (anonymous, on the metrics port, or on the HTTP port when that is 0).
    /// </summary>
    public static WebApplication MapSiemManagement(this WebApplication app, ManagementSettings settings)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJson })
            .AllowAnonymous();

        var management = app.MapGroup("/management").AllowAnonymous().WithMetadata(AuditsItsOwnCalls.Instance)
            .AddEndpointFilter(new ManagementTokenFilter(settings.Token()));
        ClusterEndpoints.Map(management);
        ActorsEndpoint.Map(management);
        ShardsEndpoint.Map(management);
        PipelineEndpoint.Map(management);
        AuditEndpoint.Map(management);

        AllocationMetric.Register();
        var metrics = app.MapMetrics("/metrics").AllowAnonymous();
        if (settings.MetricsPort != 0) metrics.RequireHost($"*:{settings.MetricsPort}");
        return app;
    }

    /// <summary>The URL Kestrel must also listen on for metrics; null when they share the HTTP port.</summary>
    public static string? MetricsUrl(ManagementSettings settings, string scheme = "http") =>
        settings.MetricsPort == 0 ? null : $"{scheme}://{settings.MetricsHost}:{settings.MetricsPort}";

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), detail = e.Value.Description }),
        }));
    }
}
