using Xunit;

namespace SiemActors.Pipeline.Tests;

public sealed class OrderedLanesTests
{
    [Fact]
    public async Task A_lane_runs_its_steps_one_at_a_time_in_order_while_another_lane_goes_ahead()
    {
        var lanes = new OrderedLanes(2);
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new List<string>();
        var first = lanes.Then(0, () => { lock (started) started.Add("slow-1"); return slow.Task; });
        var second = lanes.Then(0, () => { lock (started) started.Add("slow-2"); return Task.FromResult(2); });
        var fast = new[] { lanes.Then(1, () => Task.FromResult(10)), lanes.Then(1, () => Task.FromResult(11)) };

        var results = await Task.WhenAll(fast).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([10, 11], results);
        Assert.False(second.IsCompleted, "the second step of a lane ran before the first had finished");
        lock (started) Assert.Equal(["slow-1"], started);

        slow.SetResult(1);
        Assert.Equal(2, await second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await first);
        Assert.Equal(["slow-1", "slow-2"], started);
    }

    [Fact]
    public async Task A_step_after_a_failed_one_fails_with_its_exception_without_running()
    {
        var lanes = new OrderedLanes(1);
        var ran = false;
        var failed = lanes.Then<int>(0, () => throw new InvalidOperationException("boom"));
        var next = lanes.Then(0, () => { ran = true; return Task.FromResult(1); });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => next);
        Assert.Equal("boom", ex.Message);
        Assert.False(ran);
    }
}
