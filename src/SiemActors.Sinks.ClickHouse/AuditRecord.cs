namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// One action in the audit trail: its id, when (Unix ms), on which node, by whom with which roles, what
/// (<paramref name="Action"/>: sign_in, search, subscribe, alert_change, management, …; <paramref name="Detail"/>: the
/// filter, the path, the change), from where, the result (ok, refused, error) with its HTTP-like status, and how many
/// rows or events it returned (-1 where that does not apply).
/// </summary>
public sealed record AuditRecord(string AuditId, long AtMs, string Node, string User, IReadOnlyList<string> Roles, string Action, string Detail,
    string Remote, string Result, int Status, long ResultSize);
