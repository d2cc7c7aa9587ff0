using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Pipeline.Tests;

public sealed class RoundCoalescerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A round whose completion the test controls; records what each round was given.</summary>
    private sealed class ControlledRounds
    {
        public ConcurrentQueue<(int[] Requests, TaskCompletionSource Release)> Started { get; } = new();

        public async Task<string[]> Run(IReadOnlyList<int> requests)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Started.Enqueue((requests.ToArray(), release));
            await release.Task;
            return requests.Select(r => $"r{r}").ToArray();
        }

        public async Task<(int[] Requests, TaskCompletionSource Release)> Round(int n)
        {
            await Eventually.True(() => Started.Count >= n, Patience, () => $"round {n} never started ({Started.Count} did)", TimeSpan.FromMilliseconds(5));
            return Started.ElementAt(n - 1);
        }
    }

    [Fact]
    public async Task Requests_arriving_while_a_round_runs_are_served_together_in_the_next_round()
    {
        var rounds = new ControlledRounds();
        var coalescer = new RoundCoalescer<int, string>((requests, _) => rounds.Run(requests), TimeSpan.Zero);

        var first = coalescer.Submit(1);
        var (firstRequests, releaseFirst) = await rounds.Round(1);
        var waiting = Enumerable.Range(2, 5).Select(n => coalescer.Submit(n)).ToList();
        Assert.DoesNotContain(waiting, t => t.IsCompleted);

        releaseFirst.SetResult();
        Assert.Equal("r1", await first.WaitAsync(Patience));
        var (secondRequests, releaseSecond) = await rounds.Round(2);
        releaseSecond.SetResult();

        Assert.Equal(["r2", "r3", "r4", "r5", "r6"], await Task.WhenAll(waiting).WaitAsync(Patience));
        Assert.Equal([1], firstRequests);
        Assert.Equal([2, 3, 4, 5, 6], secondRequests);
        Assert.Equal(2, rounds.Started.Count);
    }

    [Fact]
    public async Task A_failed_round_fails_each_of_its_requests_and_the_next_round_runs()
    {
        var calls = 0;
        var coalescer = new RoundCoalescer<int, int>((requests, _) =>
            Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("entity gone")
                : Task.FromResult(requests.Select(r => r * 10).ToArray()), TimeSpan.Zero);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.Submit(1).WaitAsync(Patience));
        Assert.Equal("entity gone", failed.Message);
        Assert.Equal(20, await coalescer.Submit(2).WaitAsync(Patience));
    }

    [Fact]
    public async Task Rounds_start_at_least_the_interval_apart_and_an_idle_coalescer_starts_at_once()
    {
        var interval = TimeSpan.FromSeconds(2);
        var starts = new ConcurrentQueue<long>();
        var coalescer = new RoundCoalescer<int, int>((requests, _) =>
        {
            starts.Enqueue(Stopwatch.GetTimestamp());
            return Task.FromResult(requests.ToArray());
        }, interval);

        var submitted = Stopwatch.GetTimestamp();
        await coalescer.Submit(1).WaitAsync(Patience);
        var second = coalescer.Submit(2);
        var third = coalescer.Submit(3);
        await Task.WhenAll(second, third).WaitAsync(Patience);

        var s = starts.ToArray();
        Assert.Equal(2, s.Length); // 2 and 3 waited out the interval together
        Assert.True(Stopwatch.GetElapsedTime(submitted, s[0]) < interval, "the first round did not wait");
        // The coalescer clocks a round's start just before it calls the round (the first call also creates its metric),
        // so the round's own timestamps may be a little closer together than the interval; far closer would be a bug.
        var between = Stopwatch.GetElapsedTime(s[0], s[1]);
        Assert.True(between >= interval - TimeSpan.FromMilliseconds(200), $"the second round started {between} after the first");
    }
}
