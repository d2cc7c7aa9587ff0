using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using SiemActors.Api;
using SiemActors.Api.Audit;
using SiemActors.Archive;
using SiemActors.Detection;
using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;
using SiemActors.Persistence.Redis;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;
using SiemActors.Management;
using SiemActors.Node;
using SiemActors.Pipeline;
using SiemActors.Pipeline.Gaps;
using SiemActors.Pipeline.Routing;
using SiemActors.Transforms;

// SiemActors.Node [--config FILE]... [--roles ingest,transform,api] [--port N] [--seed akka.tcp://siem@host:port]... [--http-port N]
//   (each FILE overrides hocon/siem.conf; environment variables override the files; options override both:
//    docs/operations.md)
Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
    // ASP.NET Core's data protection keys protect cookies and antiforgery tokens, neither of which the node uses (its
    // API takes bearer tokens): the warning that they are not encrypted at rest is noise here.
    .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", Serilog.Events.LogEventLevel.Error)
    .Enrich.FromLogContext()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}{LogSource} {Message:lj}{NewLine}{Exception}")
    .CreateLogger();

try
{
    var node = NodeConfig.FromCommandLine(args);
    // Routing is checked before anything starts: a bad rule stops the node here, naming the rule.
    var router = Router.Create(PipelineSettings.WithDefaults(node.Hocon), PipelineService.Destinations);

    // So are the detection rules.
    var detection = DetectionSettings.Create(node.Hocon);
    var redisSettings = RedisSinkSettings.Create(node.Hocon);
    var clickHouseSettings = ClickHouseSinkSettings.Create(node.Hocon);
    await TlsStartupCheck.RunAsync(redisSettings, clickHouseSettings);

    // The archive (docs/archive.md): its target and credentials are checked now, so a node that cannot reach them says so at start.
    var archive = ArchiveSettings.Create(node.Hocon);
    if (archive.Enabled) ArchiveStores.Open(archive).Dispose();

    var api = ApiSettings.Create(node.Hocon);
    var management = ManagementSettings.Create(node.Hocon);

    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
    builder.WebHost.UseUrls(new[] { api.Url, ManagementHosting.MetricsUrl(management, api.HttpSecurity.Scheme) }.OfType<string>().ToArray());
    // HTTPS (siem.api.http.tls): one certificate for every listener — the UI, hub, API and management, and metrics.
    if (api.HttpSecurity.Https)
    {
        var certificate = api.HttpSecurity.Certificate();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
    }
    builder.Services.AddSerilog();
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
    builder.Services.AddSingleton(node);
    builder.Services.AddSingleton(router);
    builder.Services.AddSingleton(detection);
    builder.Services.AddSingleton<IAlertPublisher>(sp => new AlertPublisher(sp, redisSettings, clickHouseSettings));
    if (node.Has("ingest"))
    {
        builder.Services.AddSingleton<PipelineState>();
        var pipelineSettings = PipelineSettings.Create(node.Hocon);
        builder.Services.AddSingleton(_ => new GroupLag(node.KafkaClient, pipelineSettings.GroupId, pipelineSettings.EventsTopic));
        builder.Services.AddSingleton(sp => new GapAlarm(pipelineSettings.GapAlarmDuration, $"{node.Hostname}:{node.Port}",
            Akka.Event.Logging.GetLogger(sp.GetRequiredService<Akka.Actor.ActorSystem>(), "ingest-gaps")));
    }
    builder.Services.AddSiemManagement(management, node.Hocon, ingest: node.Has("ingest"));
    builder.Services.AddAkka(NodeConfig.SystemName, akka =>
    {
        akka.AddHocon(node.Hocon, HoconAddMode.Prepend)
            .AddHocon(Akka.Configuration.ConfigurationFactory.FromResource("SiemActors.Transforms.reference.conf", typeof(HostEntity).Assembly),
                HoconAddMode.Append)
            .AddHocon(PersistenceDefaults(redisSettings), HoconAddMode.Append)
            .AddHocon(RedisPluginSettings.DefaultConfig, HoconAddMode.Append)
            .AddHocon(DetectionSettings.DefaultConfig, HoconAddMode.Append)
            .ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLogger<SerilogLogger>();
            })
            .WithRemoting(node.Hostname, node.Port, node.PublicHostname)
            .WithRemotingTls(node.Hocon)
            .WithClustering(new ClusterOptions { Roles = node.Roles.ToArray(), SeedNodes = node.SeedNodes.ToArray() })
            .AddHostEntities(hostsEntities: node.Has(HostEntity.Role),
                dispatcher: node.Hocon.HasPath(EntitiesDispatcher) ? EntitiesDispatcher : null)
            .AddDetectionEntities(detection, hostsEntities: node.Has(DetectionEntity.Role),
                dispatcher: node.Hocon.HasPath(EntitiesDispatcher) ? EntitiesDispatcher : null);
        if (node.Has(ApiRole)) akka.WithLiveBridge(api, node.Hocon);
        // One archive for the cluster: a singleton on the oldest node with the archive's role.
        if (archive.Enabled && node.Has(archive.Role))
            akka.WithSingleton<ArchiveActor>(ArchiveActor.SingletonName, (_, _, resolver) =>
                    ArchiveActor.Props(archive, clickHouseSettings, (alerts, ct) => resolver.GetService<IAlertPublisher>().PublishAsync(alerts, ct)),
                new ClusterSingletonOptions { Role = archive.Role }, createProxyToo: false);
    });
    if (node.Has(ApiRole)) builder.Services.AddSiemApi(api, node.Hocon);
    else builder.Services.AddSiemAudit(node.Hocon); // management calls are audited on every node
    // Registered after Akka, so it stops (drains and commits) before the actor system leaves the cluster.
    if (node.Has("ingest")) builder.Services.AddHostedService<PipelineService>();

    Log.Information("Starting node {Hostname}:{Port} with roles {Roles}; Kafka at {Bootstrap} ({KafkaSecurity})", node.Hostname, node.Port, node.Roles,
        node.BootstrapServers, node.KafkaSecurity);
    var app = builder.Build();
    app.UseMiddleware<SiemActors.Api.Http.SecurityHeaders>(api.HttpSecurity);
    if (node.Has(ApiRole)) app.UseSiemApi(api);
    else app.UseRouting();
    app.MapSiemManagement(management);
    app.Lifetime.ApplicationStarted.Register(() => Log.Information("HTTP listening on {Urls}", string.Join(", ", app.Urls)));
    Akka.Actor.CoordinatedShutdown? shutdown = null; // taken while the services can still be resolved
    app.Lifetime.ApplicationStarted.Register(() => shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>()));
    await app.RunAsync();
    // A node the cluster downed exits with 3 (Akka.Hosting reports any end of the actor system it did not start as -1),
    // so its supervisor can tell it from a crash; docs/operations.md.
    return shutdown?.ShutdownReason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason ? 3 : Environment.ExitCode;
}
catch (Exception ex) when (ex is System.IO.IOException { InnerException: System.Net.Sockets.SocketException } || ex.GetBaseException() is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
{
    Log.Fatal("Cannot start: the HTTP address is in use ({Reason}); set siem.api.http.port", ex.GetBaseException().Message);
    return 2;
}
catch (Exception ex) when (ex is NodeConfigException or RoutingConfigException or DetectionConfigException or Akka.Configuration.ConfigurationException
                               or ArchiveConfigException or SiemActors.Security.TlsTrustException)
{
    Log.Fatal("Cannot start: {Reason}", ex.Message);
    return 2;
}
catch (Exception ex)
{
    Log.Fatal(ex, "The node failed");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

internal static partial class Program
{
    /// <summary>
    /// The persistence plugins use the sinks' Redis and replica acknowledgements unless configured otherwise, under the sinks' key prefix (so nodes
    /// of one deployment share entity state, and separate deployments or tests on one Redis do not).
    /// </summary>
    private static Akka.Configuration.Config PersistenceDefaults(RedisSinkSettings redis) => Akka.Configuration.ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.redis {
          {{redis.Client.ToHocon()}}
          key-prefix = {{Quote(redis.KeyPrefix + ":persistence")}},
          wait-replicas = {{redis.WaitReplicas}}, wait-timeout = {{(long)redis.WaitTimeout.TotalMilliseconds}}ms }
        akka.persistence.snapshot-store.redis {
          {{redis.Client.ToHocon()}}
          key-prefix = {{Quote(redis.KeyPrefix + ":persistence")}},
          wait-replicas = {{redis.WaitReplicas}}, wait-timeout = {{(long)redis.WaitTimeout.TotalMilliseconds}}ms }
        """);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private const string ApiRole = "api";
    private const string EntitiesDispatcher = "siem.dispatchers.entities";
}
