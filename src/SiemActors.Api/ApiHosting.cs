using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using SiemActors.Api.Audit;
using SiemActors.Api.Auth;
using SiemActors.Api.History;
using SiemActors.Api.Live;
using SiemActors.Archive;
using SiemActors.Auth;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;

namespace SiemActors.Api;

/// <summary>Wires the api role into a node: services, the bridge actor, the UI's files and the endpoints.</summary>
public static class ApiHosting
{
    /// <summary>The bridge's dispatcher, when configured.</summary>
    public const string BridgeDispatcher = "siem.dispatchers.live-bridge";

    public static IServiceCollection AddSiemApi(this IServiceCollection services, ApiSettings settings, Config config)
    {
        _ = settings.Auth.Secret(); // fail at start, not at the first request, when there is no usable secret
        services.AddSingleton(settings);
        // A request line up to 1 MiB (Kestrel's default is 8 KiB, beyond which it answers a bare 414): a filter that is
        // too long reaches the API, which answers the documented 400 JSON error (siem.api.filter.max-length).
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestLineSize = 1024 * 1024);
        services.AddAnalystAuthentication(settings.Auth);
        services.AddSiemAudit(config);
        services.AddSingleton(settings.Auth);
        services.AddSingleton<UiSignIn>();
        // Other sites' pages may call the API only from the configured origins (siem.api.http.cors-origins); the
        // node's own UI is same-origin and needs none. Bearer tokens, no cookies: no credentials are allowed.
        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            policy.WithOrigins(settings.HttpSecurity.CorsOrigins.ToArray()).WithHeaders("authorization", "content-type", "x-requested-with", "x-signalr-user-agent")
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")));
        services.AddSignalR(o => o.EnableDetailedErrors = false)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new RawJsonConverter()));
        var store = ClickHouseSinkSettings.Create(config);
        var archive = ArchiveSettings.Create(config);
        services.AddSingleton(sp => new HistoryService(
            new ClickHouseHttpClient(store, Logging.GetLogger(sp.GetRequiredService<ActorSystem>(), nameof(HistoryService))), store, settings.History,
            archive.Enabled ? new ArchiveTier(new ArchiveObjects(ArchiveStores.Open(archive), archive.SpillDir), archive) : null));
        services.AddSingleton(sp => new Alerts.AlertsService(
            new ClickHouseHttpClient(store, Logging.GetLogger(sp.GetRequiredService<ActorSystem>(), nameof(Alerts.AlertsService))), store, settings.History,
            sp.GetRequiredService<Alerts.AlertTriage>()));
        services.AddSingleton(RedisSinkSettings.Create(config));
        services.AddSingleton(settings.Live);
        services.AddSingleton<Alerts.AlertFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertFeed>());
        services.AddSingleton<Alerts.AlertChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertChangeFeed>());
        services.AddSingleton(sp => new Alerts.AlertTriage(
            new ClickHouseHttpClient(store, Logging.GetLogger(sp.GetRequiredService<ActorSystem>(), nameof(Alerts.AlertTriage))), store, settings.History,
            sp.GetRequiredService<Alerts.AlertChangeFeed>()));
        return services;
    }

    /// <summary>Starts the node's <see cref="LiveBridge"/> (one per api node) and registers it for the hub.</summary>
    public static AkkaConfigurationBuilder WithLiveBridge(this AkkaConfigurationBuilder akka, ApiSettings settings, Config config)
    {
        var redis = RedisSinkSettings.Create(config);
        return akka.WithActors((system, registry, resolver) =>
        {
            var hub = resolver.GetService<IHubContext<EventsHub, IEventsClient>>();
            var props = LiveBridge.Props(hub, settings.Live, redis);
            // Its own dispatcher when the node's config names one (hocon/siem.conf): one busy actor off the shared pool.
            if (system.Settings.Config.HasPath(BridgeDispatcher)) props = props.WithDispatcher(BridgeDispatcher);
            registry.Register<LiveBridge>(system.ActorOf(props, "live-bridge"));
        });
    }

    /// <summary>
    /// The UI's built files at <c>/</c> (anonymous: the page itself holds no data and asks for a token), then
    /// authentication and the endpoints.
    /// </summary>
    public static WebApplication UseSiemApi(this WebApplication app, ApiSettings settings)
    {
        var root = settings.UiRoot.Length > 0 ? Path.GetFullPath(settings.UiRoot) : Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(root, "index.html")))
        {
            var files = new PhysicalFileProvider(root);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        else
        {
            app.MapGet("/", () => Results.Text($"The web UI is not built (no index.html in {root}): run `npm ci && npm run build` in web/, " +
                "or start the node with scripts/run.sh.")).AllowAnonymous();
        }
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        UiSignIn.Map(app);
        app.MapSiemApi(settings);
        return app;
    }
}
