namespace SiemActors.Api.Audit;

/// <summary>
/// Endpoint metadata: the endpoint audits every call itself, refused ones included (management, whose token is not a
/// JWT). Authentication then does not also record the token it could not read there as a refused sign-in, which would
/// put a false "(refused token)" row in the trail for every management call made with the management token.
/// </summary>
public sealed class AuditsItsOwnCalls
{
    public static readonly AuditsItsOwnCalls Instance = new();

    private AuditsItsOwnCalls()
    {
    }
}
