namespace SiemActors.Testing;

/// <summary>
/// Waits for a condition with a deadline — the tests' one polling helper; no fixed sleep stands in for
/// synchronization. The condition is checked at once and then every <c>every</c> (20 ms unless given); past the
/// deadline a <see cref="TimeoutException"/> says what was awaited and, through <c>describe</c>, how far it got.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(20);

    public static Task True(Func<bool> condition, TimeSpan within, string what, TimeSpan? every = null) =>
        True(() => Task.FromResult(condition()), within, () => what, every);

    public static Task True(Func<bool> condition, TimeSpan within, Func<string> describe, TimeSpan? every = null) =>
        True(() => Task.FromResult(condition()), within, describe, every);

    public static Task True(Func<Task<bool>> condition, TimeSpan within, string what, TimeSpan? every = null) =>
        True(condition, within, () => what, every);

    public static async Task True(Func<Task<bool>> condition, TimeSpan within, Func<string> describe, TimeSpan? every = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > within) throw new TimeoutException($"not within {within.TotalSeconds:0.#} s: {describe()}");
            await Task.Delay(every ?? DefaultEvery).ConfigureAwait(false);
        }
    }

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds for what it returned; returns that.</summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, Func<T, string> describe, TimeSpan? every = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read().ConfigureAwait(false);
            if (done(value)) return value;
            if (clock.Elapsed > within) throw new TimeoutException($"not within {within.TotalSeconds:0.#} s: {describe(value)}");
            await Task.Delay(every ?? DefaultEvery).ConfigureAwait(false);
        }
    }
}
