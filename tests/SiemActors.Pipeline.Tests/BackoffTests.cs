using SiemActors.Resilience;
using Xunit;

namespace SiemActors.Pipeline.Tests;

public sealed class BackoffTests
{
    private static readonly RetrySettings Settings = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

    [Fact]
    public void Waits_double_up_to_the_longest_each_in_the_upper_half_of_its_step()
    {
        var backoff = new Backoff("test", Settings);
        double[] steps = [100, 200, 400, 800, 1600, 2000, 2000, 2000];
        foreach (var step in steps)
        {
            var wait = backoff.Next().TotalMilliseconds;
            Assert.InRange(wait, step / 2, step);
        }
        Assert.Equal(steps.Length, backoff.Failures);
    }

    [Fact]
    public void Waits_are_jittered_so_callers_that_failed_together_spread_out()
    {
        var waits = Enumerable.Range(0, 50).Select(_ => new Backoff("test", Settings)).Select(b => { b.Next(); b.Next(); return b.Next(); }).ToHashSet();
        Assert.True(waits.Count > 10, $"only {waits.Count} distinct waits of 50");
    }

    [Fact]
    public void A_reset_starts_from_the_first_wait()
    {
        var backoff = new Backoff("test", Settings);
        for (var i = 0; i < 10; i++) backoff.Next();
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }

    [Fact]
    public void Thousands_of_failures_stay_at_the_longest_wait()
    {
        var backoff = new Backoff("test", Settings);
        for (var i = 0; i < 5000; i++)
        {
            var wait = backoff.Next().TotalMilliseconds;
            if (i >= 5) Assert.InRange(wait, 1000, 2000);
        }
    }

    [Fact]
    public void Settings_are_checked_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new Backoff("test", new RetrySettings(TimeSpan.Zero, TimeSpan.FromSeconds(1))));
    }
}
