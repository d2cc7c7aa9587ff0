namespace SiemActors.Resilience;

/// <summary>
/// A token cancelled once every one of the given tokens is: work shared by several callers (one insert for many
/// partitions, one round of entity asks) goes on while any of them still wants it. A caller whose token can never be
/// cancelled keeps it going for good.
/// </summary>
public sealed class WhenAllCancelled : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly List<CancellationTokenRegistration> _registrations = [];
    private int _remaining;

    public WhenAllCancelled(IEnumerable<CancellationToken> tokens)
    {
        var distinct = tokens.Distinct().ToList();
        if (distinct.Count == 0 || distinct.Any(t => !t.CanBeCanceled)) return;
        _remaining = distinct.Count;
        foreach (var token in distinct)
        {
            _registrations.Add(token.Register(() =>
            {
                if (Interlocked.Decrement(ref _remaining) == 0) _source.Cancel();
            }));
        }
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
