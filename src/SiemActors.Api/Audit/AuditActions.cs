namespace SiemActors.Api.Audit;

/// <summary>The kinds of action the audit trail records (its <c>action</c> column).</summary>
public static class AuditActions
{
    /// <summary>A token used for the first time on this node (its user, roles, from where); refused tokens as result "refused".</summary>
    public const string SignIn = "sign_in";

    /// <summary>A history search (<c>GET /api/events</c>): the filter and range; the rows returned.</summary>
    public const string Search = "search";

    /// <summary>Event counts (<c>GET /api/stats</c>): the window.</summary>
    public const string Stats = "stats";

    /// <summary>An alert search (<c>GET /api/alerts</c>, <c>GET /api/alerts/{id}</c>): the filter and range; the alerts returned.</summary>
    public const string AlertsSearch = "alerts_search";

    /// <summary>A live subscription on the hub: its filter; refused ones with the reason.</summary>
    public const string Subscribe = "subscribe";

    public const string Unsubscribe = "unsubscribe";

    /// <summary>The live alert list on the hub.</summary>
    public const string AlertsSubscribe = "alerts_subscribe";

    /// <summary>A triage change of an alert: acknowledge, assign, close, reopen, note.</summary>
    public const string AlertChange = "alert_change";

    /// <summary>A call of the management API: method and path.</summary>
    public const string Management = "management";

    /// <summary>A read of this trail.</summary>
    public const string AuditRead = "audit_read";

    public static readonly IReadOnlyList<string> All =
        [SignIn, Search, Stats, AlertsSearch, Subscribe, Unsubscribe, AlertsSubscribe, AlertChange, Management, AuditRead];
}
