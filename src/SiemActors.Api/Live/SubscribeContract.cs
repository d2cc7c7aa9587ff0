namespace SiemActors.Api.Live;

/// <summary>Options of a subscription.</summary>
/// <param name="Label">A name the client chose, echoed nowhere but kept for its own use (may be null).</param>
public sealed record SubscribeOptions(string? Label = null);

/// <summary>
/// The answer to <c>Subscribe</c>: the subscription's id and its filter in canonical form, or why it was refused —
/// for a filter that does not parse, the message and the 0-based character position of the error.
/// </summary>
public sealed record SubscribeResult(string? SubscriptionId, string? Filter, string? Error, int? Position)
{
    public static SubscribeResult Ok(string id, string filter) => new(id, filter, null, null);

    public static SubscribeResult Refused(string error, int? position = null) => new(null, null, error, position);
}
