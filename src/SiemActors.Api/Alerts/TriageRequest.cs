using System.Text.Json;
using SiemActors.Api.History;

namespace SiemActors.Api.Alerts;

/// <summary>
/// A triage change asked for: <c>{"action": "acknowledge" | "assign" | "close" | "reopen" | "note", "assignee", "reason",
/// "note"}</c>. Assign takes an assignee (empty: unassign), close a reason, note a note; the rest is refused with 400.
/// </summary>
public sealed record TriageRequest(string Action, string? Assignee, string? Reason, string? Note)
{
    public const int MaxAssignee = 200;
    public const int MaxReason = 1_000;
    public const int MaxNote = 10_000;

    public static readonly IReadOnlyList<string> Actions = ["acknowledge", "assign", "close", "reopen", "note"];

    public static TriageRequest Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ApiRequestException("the body must be a JSON object: {\"action\": \"acknowledge\"}");
        var action = Text(body, "action") ?? throw new ApiRequestException($"action is required: one of {string.Join(", ", Actions)}");
        if (!Actions.Contains(action)) throw new ApiRequestException($"action must be one of {string.Join(", ", Actions)}, not \"{action}\"");
        var request = new TriageRequest(action, Text(body, "assignee"), Text(body, "reason"), Text(body, "note"));
        switch (action)
        {
            case "assign" when request.Assignee is null:
                throw new ApiRequestException("assign needs an assignee (\"\" to unassign)");
            case "close" when string.IsNullOrWhiteSpace(request.Reason):
                throw new ApiRequestException("close needs a reason (\"false positive\", \"resolved: host reimaged\")");
            case "note" when string.IsNullOrWhiteSpace(request.Note):
                throw new ApiRequestException("note needs a note");
        }
        Bound("assignee", request.Assignee, MaxAssignee);
        Bound("reason", request.Reason, MaxReason);
        Bound("note", request.Note, MaxNote);
        return request;
    }

    private static string? Text(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new ApiRequestException($"{name} must be a string");
        return value.GetString()!.Trim();
    }

    private static void Bound(string name, string? value, int max)
    {
        if (value is not null && value.Length > max) throw new ApiRequestException($"{name} is {value.Length} characters; at most {max}");
    }
}

/// <summary>The change is not possible in the alert's state (acknowledge a closed alert): 409 with the reason.</summary>
public sealed class TriageConflictException(string message) : Exception(message);

/// <summary>No alert has this id: 404.</summary>
public sealed class AlertNotFoundException(string alertId) : Exception($"no alert {alertId}");
