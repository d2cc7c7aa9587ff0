using Xunit;

namespace SiemActors.Transforms.Tests;

public sealed class HostStateTests
{
    private const long T0 = 1_800_000_000_000;

    [Fact]
    public void Events_are_numbered_in_order_and_the_first_one_sets_first_seen()
    {
        var state = new HostState();
        var first = state.Apply(new EnrichHost("h", 0, [10, 11, 12], [T0, T0 + 1, T0 + 2]));
        var second = state.Apply(new EnrichHost("h", 1, [5], [T0 + 3]));

        Assert.Equal([1L, 2, 3], first.Sequences);
        Assert.Equal([4L], second.Sequences);
        Assert.Equal(T0, second.FirstSeen);
        Assert.Equal(4, state.Sequence);
    }

    [Fact]
    public void A_replayed_batch_is_not_counted_twice_and_its_events_are_marked_with_sequence_0()
    {
        var state = new HostState();
        state.Apply(new EnrichHost("h", 3, [100, 101, 102], [T0, T0, T0]));
        var replay = state.Apply(new EnrichHost("h", 3, [101, 102, 103], [T0, T0, T0]));

        Assert.Equal([0L, 0, 4], replay.Sequences);
        Assert.Equal(4, state.Sequence);
        Assert.Equal(103, state.AppliedOffset(3));
        Assert.Equal(-1, state.AppliedOffset(4));
    }

    [Fact]
    public void The_rate_counts_the_hosts_events_in_the_last_sixty_seconds_of_event_time()
    {
        var state = new HostState();
        var timestamps = new[] { T0, T0 + 1_000, T0 + 30_000, T0 + 59_999, T0 + 60_000, T0 + 125_000 };
        var result = state.Apply(new EnrichHost("h", 0, [0, 1, 2, 3, 4, 5], timestamps));
        Assert.Equal([1, 2, 3, 4, 4, 1], result.EventsLastMinute);
    }
}
