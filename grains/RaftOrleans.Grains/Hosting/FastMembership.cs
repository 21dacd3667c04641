using Orleans.Configuration;

namespace RaftOrleans.Grains.Hosting;

/// <summary>
/// Membership timings for a local cluster, measured on 2 cores (see ORLEANS-FACTS): a killed silo
/// is declared dead in under a second, a hung one in about 2.5 s, with no false deaths under load.
/// Orleans' defaults take 10 s or more, which is what a Raft follower would wait for a new leader's
/// placement. The silo host's configuration section <c>Membership</c> overrides each value; the test clusters
/// use the same values.
/// </summary>
public static class FastMembership
{
    /// <summary>Applies the defaults.</summary>
    public static void Apply(ClusterMembershipOptions options)
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
