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
[Authorize(Policy = SiemActors.Auth.AnalystRoles.Viewer)]
public sealed class EventsHub(IRequiredActor<LiveBridge> bridge, Alerts.AlertFeed alerts, ApiSettings settings, Audit.AuditTrail audit) : Hub<IEventsClient>
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
            Audit(Api.Audit.AuditActions.Subscribe, $"filter={filter}: {ex.Reason}", "refused", 400);
            return SubscribeResult.Refused(ex.Reason, ex.Position);
        }
        var result = await bridge.ActorRef.Ask<SubscribeResult>(new BridgeMessages.Subscribe(Context.ConnectionId, User, expr,
            options ?? new SubscribeOptions()), AskTimeout);
        Audit(Api.Audit.AuditActions.Subscribe, result.Error is null ? $"filter={filter} id={result.SubscriptionId}" : $"filter={filter}: {result.Error}",
            result.Error is null ? "ok" : "refused", result.Error is null ? 200 : 429);
        return result;
    }

    /// <summary>Ends a subscription of this connection; false if it did not exist.</summary>
    public async Task<bool> Unsubscribe(string subscriptionId)
    {
        var ended = await bridge.ActorRef.Ask<bool>(new BridgeMessages.Unsubscribe(Context.ConnectionId, subscriptionId), AskTimeout);
        Audit(Api.Audit.AuditActions.Unsubscribe, $"id={subscriptionId}", ended ? "ok" : "refused", ended ? 200 : 404);
        return ended;
    }

    /// <summary>
    /// Sends this connection every new alert from now on (<see cref="IEventsClient.Alerts"/>); returns the newest
    /// <c>recent-alerts</c> already stored, newest first.
    /// </summary>
    public async Task<IReadOnlyList<RawJson>> SubscribeAlerts()
    {
        var recent = await alerts.SubscribeAsync(() => Groups.AddToGroupAsync(Context.ConnectionId, Alerts.AlertFeed.Group), settings.Live.RecentAlerts);
        Audit(Api.Audit.AuditActions.AlertsSubscribe, "", "ok", 200, recent.Count);
        return recent;
    }

    public Task UnsubscribeAlerts() => Groups.RemoveFromGroupAsync(Context.ConnectionId, Alerts.AlertFeed.Group);

    private void Audit(string action, string detail, string result, int status, long size = -1)
    {
        if (Context.User is not { } user) return;
        var http = Context.GetHttpContext();
        audit.Record(user, null, http is null ? "" : Api.Audit.AuditTrail.Remote(http), action, detail, result, status, size);
    }

    private string User => Context.User is { } user ? Auth.JwtAuthentication.UserOf(user) : "?";
}
