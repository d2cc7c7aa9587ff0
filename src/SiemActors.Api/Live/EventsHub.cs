using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SiemActors.Domain.Filtering;
using static SiemActors.Api.Live.BridgeMessages;

namespace SiemActors.Api.Live;

/// <summary>
/// The analysts' hub at <c>/hubs/events</c>. Filters are parsed here (a bad one is refused with its position) and
/// evaluated by the node's <see cref="LiveBridge"/>, so a client only ever receives events that matched.
/// </summary>
[Authorize]
public sealed class EventsHub(IRequiredActor<LiveBridge> bridge, Alerts.AlertFeed alerts, ApiSettings settings) : Hub<IEventsClient>
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public override Task OnConnectedAsync()
    {
        bridge.ActorRef.Tell(new ConnectionOpened(Context.ConnectionId));
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        bridge.ActorRef.Tell(new ConnectionClosed(Context.ConnectionId));
        return Task.CompletedTask;
    }

    /// <summary>Starts a live subscription; see <see cref="SubscribeResult"/>.</summary>
    public async Task<SubscribeResult> Subscribe(string filter, SubscribeOptions? options)
    {
        FilterExpr expr;
        try
        {
            expr = FilterParser.Parse(filter ?? "", FilterFields.Events, settings.Filter);
        }
        catch (FilterSyntaxException ex)
        {
            return SubscribeResult.Refused(ex.Reason, ex.Position);
        }
        return await bridge.ActorRef.Ask<SubscribeResult>(new BridgeMessages.Subscribe(Context.ConnectionId, User, expr,
            options ?? new SubscribeOptions()), AskTimeout);
    }

    /// <summary>Ends a subscription of this connection; false if it did not exist.</summary>
    public Task<bool> Unsubscribe(string subscriptionId) =>
        bridge.ActorRef.Ask<bool>(new BridgeMessages.Unsubscribe(Context.ConnectionId, subscriptionId), AskTimeout);

    /// <summary>
    /// Sends this connection every new alert from now on (<see cref="IEventsClient.Alerts"/>); returns the newest
    /// <c>recent-alerts</c> already stored, newest first.
    /// </summary>
    public Task<IReadOnlyList<RawJson>> SubscribeAlerts() =>
        alerts.SubscribeAsync(() => Groups.AddToGroupAsync(Context.ConnectionId, Alerts.AlertFeed.Group), settings.Live.RecentAlerts);

    public Task UnsubscribeAlerts() => Groups.RemoveFromGroupAsync(Context.ConnectionId, Alerts.AlertFeed.Group);

    private string User => Context.User is { } user ? Auth.JwtAuthentication.UserOf(user) : "?";
}
