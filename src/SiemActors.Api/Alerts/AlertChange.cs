namespace SiemActors.Api.Alerts;

/// <summary>
/// One triage change of an alert, with the alert's state after it: who did what when, the status
/// (<c>open</c>, <c>acknowledged</c>, <c>closed</c>), the assignee ("" for none), a close's or reopen's reason, a note.
/// Stored in ClickHouse (<c>alert_changes</c>) and pushed on the hub to every client of the alert list.
/// </summary>
public sealed record AlertChange(string ChangeId, string AlertId, long At, string User, string Action, string Status, string Assignee, string Reason,
    string Note);

/// <summary>An alert's triage state: its newest change's status and assignee; <c>open</c> and unassigned while it has none.</summary>
public sealed record AlertState(string AlertId, string Status, string Assignee, long UpdatedAt, string UpdatedBy, int Notes)
{
    public static AlertState Untouched(string alertId) => new(alertId, "open", "", 0, "", 0);
}
