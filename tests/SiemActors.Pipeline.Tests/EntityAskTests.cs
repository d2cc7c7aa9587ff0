using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Pipeline.Tests;

/// <summary>
/// An entity that never answers is asked again and again (the partition waits), but not for a partition the node no
/// longer owns: cancelling the partition's token stops the retries at once, and a shared round goes on for the others.
/// </summary>
public sealed class EntityAskTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("entity-ask-tests");

    private static PipelineSettings Settings() => PipelineSettings.Create(ConfigurationFactory.ParseString(
        "siem.pipeline { ask-timeout = 100ms, ask-retry-min-backoff = 20ms, ask-retry-max-backoff = 100ms }").WithFallback(TestTopics.Config));

    [Fact]
    public async Task Asking_an_entity_that_never_answers_retries_until_the_partition_is_revoked_then_stops_at_once()
    {
        var ask = new EntityAsk(Settings(), _system.Log);
        using var owned = new CancellationTokenSource();
        var before = PipelineMetrics.AskTimeouts.Value;
        var asking = ask.AskAsync<string>(_system.DeadLetters, "enrich", "host-silent", owned.Token);

        await Eventually.True(() => PipelineMetrics.AskTimeouts.Value >= before + 3, TimeSpan.FromSeconds(20), "the ask retried three times");
        Assert.False(asking.IsCompleted);

        var clock = Stopwatch.StartNew();
        await owned.CancelAsync();
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("host-silent", stopped.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopped {clock.Elapsed} after the revoke");
    }

    [Fact]
    public async Task A_revoked_partition_stops_waiting_for_a_shared_round_that_goes_on_for_the_others()
    {
        var firstRound = new TaskCompletionSource();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRound = new TaskCompletionSource();
        var calls = 0;
        CancellationToken secondToken = default;
        var rounds = new RoundCoalescer<int, int>(async (requests, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstStarted.SetResult();
                await firstRound.Task;
            }
            else
            {
                secondToken = ct;
                await secondRound.Task;
            }
            return requests.Select(r => r * 10).ToArray();
        }, TimeSpan.Zero);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var blocker = rounds.Submit(0); // occupies the coalescer, so that the next two share the second round
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var revoked = rounds.Submit(1, first.Token);
        var kept = rounds.Submit(2, second.Token);
        firstRound.SetResult();
        Assert.Equal(0, await blocker);

        // Revoking one of the second round's two requests ends only that one's wait; the round goes on for the other.
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => revoked.WaitAsync(TimeSpan.FromSeconds(10)));
        secondRound.SetResult();
        Assert.Equal(20, await kept.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(secondToken.IsCancellationRequested);
    }

    public void Dispose() => _system.Dispose();
}
