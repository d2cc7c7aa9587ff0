namespace SiemActors.Api.Tests;

/// <summary>Waits for a condition with a deadline; no sleeps as synchronization.</summary>
internal static class Await
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan deadline, Func<string> describe)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"not within {deadline.TotalSeconds:0}s: {describe()}");
            await Task.Delay(20);
        }
    }
}
