namespace SiemActors.Integration.Tests.Support;

/// <summary>Waits for a condition with a deadline; no sleeps as synchronization.</summary>
internal static class Await
{
    public static async Task Until(Func<Task<bool>> condition, TimeSpan within, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {within.TotalSeconds:0}s: {describe?.Invoke() ?? "condition"}");
            await Task.Delay(100);
        }
    }
}
