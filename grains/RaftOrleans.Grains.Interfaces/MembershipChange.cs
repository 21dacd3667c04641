namespace RaftOrleans.Grains;

/// <summary>What a <see cref="MembershipChange"/> asks the group to do.</summary>
public enum MembershipChangeKind
{
    /// <summary>Add a replica as a learner: it receives the log (and a snapshot) but does not vote.</summary>
    AddLearner = 0,
    /// <summary>Make a caught-up learner a voter.</summary>
    Promote = 1,
    /// <summary>Remove a voter or a learner (the leader may remove itself: it hands over and steps down).</summary>
    Remove = 2,
}

/// <summary>One membership change for a group's leader (one server at a time; docs/membership.md).</summary>
[GenerateSerializer, Immutable, Alias("raftkv.MembershipChange")]
public sealed record MembershipChange
{
    /// <summary>Add a learner, promote one, or remove a member.</summary>
    [Id(0)] public MembershipChangeKind Kind { get; init; }
    /// <summary>The replica id the change is about.</summary>
    [Id(1)] public int Replica { get; init; }
    /// <summary>The silo the replica lives on (recorded in the configuration for <see cref="MembershipChangeKind.AddLearner"/>).</summary>
    [Id(2)] public string Silo { get; init; } = "";
}

/// <summary>One member of a group as a replica's configuration records it.</summary>
[GenerateSerializer, Immutable, Alias("raftkv.MemberInfo")]
public sealed record MemberInfo
{
    /// <summary>Replica id.</summary>
    [Id(0)] public int Replica { get; init; }
    /// <summary>The silo it lives on.</summary>
    [Id(1)] public string Silo { get; init; } = "";
    /// <summary>True for a voter, false for a learner.</summary>
    [Id(2)] public bool IsVoter { get; init; }
    /// <summary>Its storage incarnation as recorded (0 while unknown: a learner not heard from yet).</summary>
    [Id(3)] public long Incarnation { get; init; }
    /// <summary>When reported by the leader: the highest log index known replicated on it (else 0).</summary>
    [Id(4)] public long Match { get; init; }
}
