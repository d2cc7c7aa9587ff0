namespace SiemActors.Pipeline;

/// <summary>
/// One partition's ordered lanes: a lane runs its steps one at a time in the order they were added, each after the one
/// before it has finished, while different lanes run side by side. The pipeline writes the live view's feed (Redis) on
/// a lane as soon as a batch is enriched, a batch ahead of the other sinks — yet that sink still sees the partition's
/// batches one at a time, in offset order, which its idempotent writes rely on (a batch written after a later one
/// would be taken for already written).
/// A step whose predecessor failed fails with the same exception without running. Not thread-safe: add from one stage.
/// </summary>
internal sealed class OrderedLanes(int lanes)
{
    private readonly Task[] _tails = Enumerable.Repeat(Task.CompletedTask, lanes).ToArray();

    /// <summary>Runs <paramref name="step"/> on lane <paramref name="lane"/> once every step added before it there has finished.</summary>
    public Task<T> Then<T>(int lane, Func<Task<T>> step)
    {
        var next = After(_tails[lane], step);
        _tails[lane] = next;
        return next;
    }

    private static async Task<T> After<T>(Task previous, Func<Task<T>> step)
    {
        await previous.ConfigureAwait(false);
        return await step().ConfigureAwait(false);
    }
}
