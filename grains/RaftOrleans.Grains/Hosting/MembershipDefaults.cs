using Orleans.Configuration;

namespace RaftOrleans.Grains.Hosting;

/// <summary>
/// Orleans membership timings for RaftOrleans silos. Raft fails over on its own election timers and
/// never waits for Orleans to declare a silo dead, so the silo default is <see cref="ApplyStallTolerant"/>:
/// a silo that is paused or starved (GC, VM freeze, CPU throttling, SIGSTOP) for well over 15 s is
/// not declared dead, because a silo declared dead stops itself for good when it resumes. The silo
/// host's configuration section <c>Membership</c> overrides each value.
/// </summary>
public static class MembershipDefaults
{
    /// <summary>
    /// The silo host's default. Measured with three <c>raftkv-silo run</c> processes on 2 cores: a
    /// silo stopped (SIGSTOP) for 15 s is not suspected and resumes as a follower; one stopped for
    /// 25 s is declared dead about 26 s after the pause; a killed silo is declared dead after about
    /// 20 s, or at once when it restarts on the same address and port (the new incarnation
    /// supersedes the old one when it joins).
    /// </summary>
    public static void ApplyStallTolerant(ClusterMembershipOptions options)
    {
        // A hung silo is declared dead after about NumMissedProbesLimit x ProbeTimeout (24 s) plus a
        // table round. Orleans 10 adapts the probe timeout to observed response times between
        // MinProbeTimeout and MaxProbeTimeout; on loopback it would shrink towards the minimum and
        // shorten the tolerated stall, so all three are pinned to one value.
        options.ProbeTimeout = TimeSpan.FromSeconds(4);
        options.MinProbeTimeout = TimeSpan.FromSeconds(4);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(4);
        options.NumMissedProbesLimit = 6;
        options.NumVotesForDeathDeclaration = 2;
        // Membership changes (a silo joining or declared dead) reach every silo's replica address
        // cache and the gateway within 2 s instead of Orleans' 60 s.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>
    /// Fast failure detection, measured on 2 cores: a killed silo is declared dead in 0.7–0.85 s, a
    /// hung one in about 2.5 s. The price: any stall over about 2.5 s costs the silo (declared dead,
    /// it stops itself when it resumes) until a supervisor restarts it. Used by the in-process test
    /// clusters, whose silos are killed but never paused; the silo host used it before issue #12.
    /// </summary>
    public static void ApplyFastDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;
        // Without a cap a hung silo takes 8.5 s to be declared dead.
        options.MaxProbeTimeout = TimeSpan.FromSeconds(1);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
