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
using SiemActors.Node;
using SiemActors.Pipeline;
using SiemActors.Pipeline.Routing;
using SiemActors.Transforms;

// SiemActors.Node [--config FILE]...   (each FILE overrides hocon/siem.conf; see docs/ and the README)
Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
    .Enrich.FromLogContext()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}{LogSource} {Message:lj}{NewLine}{Exception}")
    .CreateLogger();

try
{
    var files = args.Select((a, i) => (a, i)).Where(x => x.a == "--config" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList();
    var node = NodeConfig.Load(files);
    // Routing is checked before anything starts: a bad rule stops the node here, naming the rule.
    var router = Router.Create(PipelineSettings.WithDefaults(node.Hocon), PipelineService.Destinations);

    var api = ApiSettings.Create(node.Hocon);

    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
    builder.WebHost.UseUrls($"http://{api.Host}:{api.Port}");
    builder.Services.AddSerilog();
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
    builder.Services.AddSingleton(node);
    builder.Services.AddSingleton(router);
    builder.Services.AddAkka(NodeConfig.SystemName, akka =>
    {
        akka.AddHocon(node.Hocon, HoconAddMode.Prepend)
            .AddHocon(Akka.Configuration.ConfigurationFactory.FromResource("SiemActors.Transforms.reference.conf", typeof(HostEntity).Assembly),
                HoconAddMode.Append)
            .ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLogger<SerilogLogger>();
            })
            .WithRemoting(node.Hostname, node.Port, node.PublicHostname)
            .WithClustering(new ClusterOptions { Roles = node.Roles.ToArray(), SeedNodes = node.SeedNodes.ToArray() })
            .AddHostEntities(hostsEntities: node.Has(HostEntity.Role));
        if (node.Has(ApiRole)) akka.WithLiveBridge(api, node.Hocon);
    });
    if (node.Has(ApiRole)) builder.Services.AddSiemApi(api, node.Hocon);
    // Registered after Akka, so it stops (drains and commits) before the actor system leaves the cluster.
    if (node.Has("ingest")) builder.Services.AddHostedService<PipelineService>();

    Log.Information("Starting node {Hostname}:{Port} with roles {Roles}; Kafka at {Bootstrap}", node.Hostname, node.Port, node.Roles, node.BootstrapServers);
    var app = builder.Build();
    if (node.Has(ApiRole)) app.UseSiemApi(api);
    app.Lifetime.ApplicationStarted.Register(() => Log.Information("HTTP listening on {Urls}", string.Join(", ", app.Urls)));
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (Exception ex) when (ex is System.IO.IOException { InnerException: System.Net.Sockets.SocketException } || ex.GetBaseException() is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
{
    Log.Fatal("Cannot start: the HTTP address is in use ({Reason}); set siem.api.http.port", ex.GetBaseException().Message);
    return 2;
}
catch (Exception ex) when (ex is NodeConfigException or RoutingConfigException or Akka.Configuration.ConfigurationException)
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
    private const string ApiRole = "api";
}
