using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>The leader's lease countdown: the rules that keep a lease from ending early.</summary>
public sealed class LeaseClockTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private static LeaseClock Clock() => new(maxStep: TimeSpan.FromMilliseconds(300), retryAfter: TimeSpan.FromSeconds(1));

    private static void Run(LeaseClock clock, TimeSpan span, bool healthy = true)
    {
        for (var t = TimeSpan.Zero; t < span; t += Tick) clock.Advance(Tick, healthy);
    }

    [Fact]
    public void A_lease_expires_after_its_ttl_and_is_proposed_again_only_after_the_retry_interval()
    {
        var clock = Clock();
        clock.Restart([(1, 2)]);

        Run(clock, TimeSpan.FromSeconds(1.9));
        Assert.Empty(clock.TakeExpired());
        Run(clock, TimeSpan.FromSeconds(0.1));
        Assert.Equal([1L], clock.TakeExpired());
        Assert.Empty(clock.TakeExpired());
        Run(clock, TimeSpan.FromSeconds(1));
        Assert.Equal([1L], clock.TakeExpired());
    }

    [Fact]
    public void A_keep_alive_restarts_the_countdown_and_an_unknown_lease_is_not_kept()
    {
        var clock = Clock();
        clock.Restart([(1, 2)]);
        Run(clock, TimeSpan.FromSeconds(1.5));

        Assert.Equal(2, clock.KeepAlive(1));
        Assert.Equal(2, clock.Remaining(1));
        Run(clock, TimeSpan.FromSeconds(1.5));
        Assert.Empty(clock.TakeExpired());
        Assert.Null(clock.KeepAlive(9));
        Assert.Null(clock.Remaining(9));
    }

    [Fact]
    public void A_new_leader_starts_every_countdown_from_its_full_ttl()
    {
        var clock = Clock();
        clock.Restart([(1, 3)]);
        Run(clock, TimeSpan.FromSeconds(2.5));

        // Leadership moved away and back: whatever the old countdown said, the lease gets its whole TTL again.
        clock.Restart([(1, 3)]);
        Assert.Equal(3, clock.Remaining(1));
        Run(clock, TimeSpan.FromSeconds(2.9));
        Assert.Empty(clock.TakeExpired());
    }

    [Fact]
    public void Unhealthy_time_and_long_gaps_do_not_count()
    {
        var clock = Clock();
        clock.Restart([(1, 1)]);

        Run(clock, TimeSpan.FromSeconds(10), healthy: false); // a storage stall
        clock.Advance(TimeSpan.FromSeconds(30), healthy: true); // a process paused for 30 s: counts as one short step
        Assert.Equal(TimeSpan.FromMilliseconds(300), clock.Now);
        Assert.Empty(clock.TakeExpired());
    }

    [Fact]
    public void Sync_adds_granted_leases_at_their_full_ttl_and_drops_revoked_ones()
    {
        var clock = Clock();
        clock.Restart([(1, 5)]);
        Run(clock, TimeSpan.FromSeconds(2));

        clock.Sync([(1, 5), (2, 5)]);
        Assert.Equal((3L, 5L), (clock.Remaining(1)!.Value, clock.Remaining(2)!.Value));
        clock.Sync([(2, 5)]);
        Assert.Equal(1, clock.Count);
    }
}
