namespace RaftOrleans.Consensus;

/// <summary>What a <see cref="ConfigurationChange"/> does.</summary>
public enum ConfigurationChangeType
{
    /// <summary>Adds a learner: it receives the log (and snapshots) but never votes or counts toward a majority.</summary>
    AddLearner,
    /// <summary>Makes a caught-up learner a voter.</summary>
    PromoteLearner,
    /// <summary>Removes a voter or a learner. A leader that removes itself steps down once the change commits.</summary>
    Remove,
}

/// <summary>One membership change, proposed with <see cref="RaftNode.ProposeConfigurationChange"/>.</summary>
/// <param name="Type">Add a learner, promote one, or remove a member.</param>
/// <param name="Id">The replica id the change is about.</param>
/// <param name="Location">For <see cref="ConfigurationChangeType.AddLearner"/>: where the new member lives (the
/// driver's silo name), recorded in the configuration; ignored otherwise.</param>
public sealed record ConfigurationChange(ConfigurationChangeType Type, int Id, string Location = "");

/// <summary>Why <see cref="RaftNode.ProposeConfigurationChange"/> did or did not accept a change.</summary>
public enum ConfigurationChangeOutcome
{
    /// <summary>The new configuration is appended at <see cref="ConfigurationChangeResult.Index"/>; it is in force on
    /// this leader now and done once that index commits.</summary>
    Accepted,
    /// <summary>This replica is not the leader; <see cref="ConfigurationChangeResult.LeaderHint"/> names it if known.</summary>
    NotLeader,
    /// <summary>A leadership transfer is under way; retry at the new leader.</summary>
    TransferInProgress,
    /// <summary>Not yet: the leader has not committed an entry of its own term (or its first configuration);
    /// retry shortly.</summary>
    NotReady,
    /// <summary>Another change is not committed yet: at most one is in flight.</summary>
    ChangeInProgress,
    /// <summary>The learner to promote is not caught up (or has not been heard from); retry once it is.</summary>
    LearnerBehind,
    /// <summary>The change makes no sense for the configuration in force (see <see cref="ConfigurationChangeResult.Reason"/>).</summary>
    Invalid,
}

/// <summary>Result of <see cref="RaftNode.ProposeConfigurationChange"/>.</summary>
/// <param name="Outcome">Accepted or why not.</param>
/// <param name="Index">Log index of the configuration entry (0 unless accepted).</param>
/// <param name="Term">Term of the entry (0 unless accepted).</param>
/// <param name="LeaderHint">The leader this replica knows of, or <see cref="RaftNode.None"/>.</param>
/// <param name="Reason">A sentence for the operator when not accepted; empty otherwise.</param>
public readonly record struct ConfigurationChangeResult(ConfigurationChangeOutcome Outcome, long Index, long Term, int LeaderHint, string Reason = "");
