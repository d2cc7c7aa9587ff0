namespace SiemActors.Kafka.Tests.Support;

/// <summary>Awaits a condition with a deadline; no fixed sleeps stand in for synchronization.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, TimeSpan within, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not true within {within}: {describe()}");
            await Task.Delay(20);
        }
    }

    public static Task True(Func<bool> condition, TimeSpan within, string what) => True(condition, within, () => what);
}
