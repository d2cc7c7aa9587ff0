namespace SiemActors.Api.Tests;

/// <summary>Waits for a condition with a deadline; no sleeps as synchronization.</summary>
internal static class Await
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan deadline, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), deadline, describe);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> describe)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"not within {deadline.TotalSeconds:0}s: {describe()}");
            await Task.Delay(20);
        }
    }
}
