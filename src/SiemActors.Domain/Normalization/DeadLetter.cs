namespace SiemActors.Domain.Normalization;

/// <summary>
/// Why an input was not turned into an event, or not stored: a stable reason code (for counters and headers) and detail;
/// for <see cref="InternalError"/> the exception, for <see cref="SinkRejected"/> the sink that refused it.
/// </summary>
public sealed record DeadLetter(string Reason, string Detail)
{
    /// <summary>A bug met this record (an exception escaped normalization, routing or detection's facts): it costs this
    /// record, not its batch, partition or node.</summary>
    public const string InternalError = "internal-error";

    /// <summary>A sink refused the record's content (a value the store rejects); the rest of its batch was stored.</summary>
    public const string SinkRejected = "sink-rejected";

    public const string TooLarge = "too-large";
    public const string NotJson = "not-json";
    public const string NotAnObject = "not-an-object";
    public const string TooManyFields = "too-many-fields";
    public const string TooDeep = "too-deep";
    public const string Empty = "empty";
    public const string BadSyslog = "bad-syslog";
    public const string BadCef = "bad-cef";
    public const string BadLeef = "bad-leef";
    public const string UnknownFormat = "unknown-format";
    public const string WrongFormat = "wrong-format";

    /// <summary>For <see cref="InternalError"/>: the exception's type and message.</summary>
    public string? Exception { get; init; }

    /// <summary>For <see cref="SinkRejected"/>: the sink that refused the record.</summary>
    public string? Sink { get; init; }

    public static DeadLetter Internal(string stage, Exception ex) =>
        new(InternalError, $"{stage} failed: {ex.GetType().Name}: {ex.Message}") { Exception = $"{ex.GetType().FullName}: {ex.Message}" };

    public override string ToString() => $"{Reason}: {Detail}";
}

/// <summary>Either an event or the reason there is none.</summary>
public readonly record struct NormalizeResult(Events.SecurityEvent? Event, DeadLetter? Rejection)
{
    public bool IsEvent => Event is not null;

    public static NormalizeResult Ok(Events.SecurityEvent e) => new(e, null);

    public static NormalizeResult Reject(string reason, string detail) => new(null, new DeadLetter(reason, detail));
}
