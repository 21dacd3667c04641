namespace RaftOrleans.Consensus;

/// <summary>Why <see cref="RaftNode.Propose"/> did or did not accept a command.</summary>
public enum ProposeOutcome
{
    /// <summary>Appended to the leader's log at <see cref="ProposeResult.Index"/> in <see cref="ProposeResult.Term"/>.</summary>
    Accepted,
    /// <summary>This replica is not the leader; <see cref="ProposeResult.LeaderHint"/> names the leader if known.</summary>
    NotLeader,
    /// <summary>Too many uncommitted entries (<see cref="RaftConfig.MaxUncommittedEntries"/>): back off and retry.</summary>
    Throttled,
    /// <summary>A leadership transfer is under way; retry at the new leader.</summary>
    TransferInProgress,
    /// <summary>The leader's first group configuration is not committed yet (it needs every voter's
    /// acknowledgement, see <see cref="RaftConfig.Incarnation"/>): nothing else may commit before it; retry.</summary>
    ConfigurationPending,
}

/// <summary>
/// Result of a proposal. The driver tracks an accepted command by (<see cref="Index"/>, <see cref="Term"/>):
/// it succeeded when the committed entry at Index has that Term, and must be retried if a committed entry of
/// another term shows up at Index (the leader lost its uncommitted suffix).
/// </summary>
/// <param name="Outcome">Accepted or the reason for refusal.</param>
/// <param name="Index">Log index given to the entry (0 unless accepted).</param>
/// <param name="Term">Term of the entry (0 unless accepted).</param>
/// <param name="LeaderHint">The leader this replica knows of, or <see cref="RaftNode.None"/>.</param>
public readonly record struct ProposeResult(ProposeOutcome Outcome, long Index, long Term, int LeaderHint);
