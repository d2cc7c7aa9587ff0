namespace SiemActors.Transforms;

/// <summary>Events per one-second bucket over the last 60 seconds of event time: constant memory per host.</summary>
internal sealed class RateWindow
{
    private const int Seconds = 60;
    private readonly long[] _second = new long[Seconds];
    private readonly int[] _count = new int[Seconds];

    public RateWindow()
    {
        Array.Fill(_second, long.MinValue);
    }

    public void Add(long timestampMs)
    {
        var second = Math.DivRem(timestampMs, 1000).Quotient;
        var i = (int)(((second % Seconds) + Seconds) % Seconds);
        if (_second[i] != second)
        {
            _second[i] = second;
            _count[i] = 0;
        }
        _count[i]++;
    }

    /// <summary>Events in the 60 seconds of event time ending at <paramref name="timestampMs"/>'s second.</summary>
    public int CountUpTo(long timestampMs)
    {
        var now = Math.DivRem(timestampMs, 1000).Quotient;
        var total = 0;
        for (var i = 0; i < Seconds; i++)
        {
            if (_second[i] > now - Seconds && _second[i] <= now) total += _count[i];
        }
        return total;
    }
}
