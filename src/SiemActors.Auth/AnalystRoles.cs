namespace SiemActors.Auth;

/// <summary>
/// What an analyst may do, each role including the ones before it: <c>viewer</c> (the live view, history, stats and
/// alerts), <c>responder</c> (also alert triage: acknowledge, assign, close, notes), <c>admin</c> (also management, the
/// audit trail and <c>siemctl</c>). The node puts the roles it recognised in a token as claims of
/// <see cref="ClaimType"/>; the policies of the same names require them.
/// </summary>
public static class AnalystRoles
{
    public const string Viewer = "viewer";
    public const string Responder = "responder";
    public const string Admin = "admin";

    /// <summary>The claim type the node's recognised roles are put in (not a token's own claim: the mapping's output).</summary>
    public const string ClaimType = "siem_role";

    /// <summary>Every role, lowest first.</summary>
    public static readonly IReadOnlyList<string> All = [Viewer, Responder, Admin];

    /// <summary>The role and every role below it: a responder is also a viewer.</summary>
    public static IEnumerable<string> Implied(string role) => All.Take(Rank(role) + 1);

    /// <summary>0 for viewer, 1 responder, 2 admin; -1 for anything else.</summary>
    public static int Rank(string role) => role switch { Viewer => 0, Responder => 1, Admin => 2, _ => -1 };
}
