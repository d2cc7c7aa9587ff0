namespace SiemActors.Domain.Normalization;

/// <summary>Why an input was not turned into an event: a stable reason code (for counters and headers) and detail.</summary>
public sealed record DeadLetter(string Reason, string Detail)
{
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

    public override string ToString() => $"{Reason}: {Detail}";
}

/// <summary>Either an event or the reason there is none.</summary>
public readonly record struct NormalizeResult(Events.SecurityEvent? Event, DeadLetter? Rejection)
{
    public bool IsEvent => Event is not null;

    public static NormalizeResult Ok(Events.SecurityEvent e) => new(e, null);

    public static NormalizeResult Reject(string reason, string detail) => new(null, new DeadLetter(reason, detail));
}
