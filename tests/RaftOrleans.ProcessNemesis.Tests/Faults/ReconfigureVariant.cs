namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>Which membership change a <see cref="ProcessFaultKind.Reconfigure"/> fault makes (and then undoes).</summary>
public enum ReconfigureVariant
{
    /// <summary>Remove a follower, then add it back as a learner and promote it once it has caught up.</summary>
    RemoveFollower,

    /// <summary>Remove the leader (it keeps replicating until the removal commits, then hands over and steps
    /// down), then add it back as a learner and promote it.</summary>
    RemoveLeader,

    /// <summary>Grow onto the spare silo (add silo4 as a learner, promote it: four voters), then shrink back
    /// (remove replica 4).</summary>
    GrowSpare,
}
