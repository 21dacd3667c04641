namespace RaftOrleans.Consensus;

/// <summary>
/// Deliberate bugs, all off by default, that tests switch on to prove the simulation and checkers can
/// catch each class of safety violation. Each flag guards exactly one <c>if</c> at the place the bug would
/// live. Never set in production code (internal: visible to the test assembly only).
/// </summary>
internal sealed class RaftFaults
{
    /// <summary>Grant votes without the election restriction (§5.4.1): a candidate with a stale log can win
    /// and overwrite committed entries (breaks leader completeness / state machine safety).</summary>
    public bool GrantVoteToStaleLog { get; set; }

    /// <summary>Grant a second vote in the same term to a different candidate (breaks election safety:
    /// two leaders in one term).</summary>
    public bool DoubleVote { get; set; }

    /// <summary>Omit the vote from the persisted <see cref="HardState"/>; after a crash the replica can vote
    /// again in the same term (election safety breaks across restarts).</summary>
    public bool VoteNotPersisted { get; set; }

    /// <summary>Commit by counting replicas of an entry from an earlier term (paper Figure 8): a committed
    /// entry can later be overwritten.</summary>
    public bool CommitOldTermEntries { get; set; }

    /// <summary>Serve ReadIndex without confirming leadership with a heartbeat quorum: a deposed leader
    /// answers stale reads (breaks linearizability).</summary>
    public bool ReadIndexWithoutHeartbeat { get; set; }

    /// <summary>Follower appends entries without checking prevLogIndex/prevLogTerm (breaks log matching).</summary>
    public bool SkipAppendConsistencyCheck { get; set; }

    /// <summary>Let every message precede the persist, not only a leader's appends: a follower
    /// acknowledges entries (and a voter grants votes) that a crash before its write then loses
    /// (breaks commit safety and election safety). Caught by the simulation's torn crashes.</summary>
    public bool EverythingBeforePersist { get; set; }

    /// <summary><see cref="CompactionPolicy"/> ignores the applied index and the durable snapshot: it compacts to
    /// the trailing-entries rule alone, dropping entries nothing else holds (a restart loses them).</summary>
    public bool CompactPastApplied { get; set; }

    /// <summary>A follower installs a snapshot that is not newer than its commit index: its state machine
    /// rolls back (thesis §5: install only a snapshot newer than the log).</summary>
    public bool InstallOlderSnapshot { get; set; }

    /// <summary>The final snapshot acknowledgement may precede the persist of the snapshot
    /// (<see cref="Ready.MayPrecedePersist"/>): a crash before the write leaves the leader believing the
    /// follower holds entries it lost. Caught by the simulation's torn crashes.</summary>
    public bool AckSnapshotBeforeDurable { get; set; }

    /// <summary>Installing a snapshot keeps the log entries after it even when the log's entry at the snapshot
    /// index has a different term (paper §7: then the whole log must be discarded).</summary>
    public bool KeepConflictingSuffix { get; set; }

    /// <summary>Replace the governing configuration without first keeping a compacted one as the configuration behind
    /// the log: after compaction, a newer configuration entry, and its truncation, the replica falls back to an older
    /// configuration than the one in force at its log's start (breaks leader completeness: found at membership seed 771).</summary>
    public bool ForgetCompactedConfiguration { get; set; }

    /// <summary>Accept messages from any incarnation of a voter: a replica restarted on a blank disk votes and
    /// acknowledges under its old identity, and a majority without acknowledged entries can elect a leader
    /// (breaks commit safety after a disk loss).</summary>
    public bool IgnoreIncarnations { get; set; }

    /// <summary>Accept a membership change while the previous one is not committed: two single-server steps in
    /// flight can leave two majorities that share no replica (breaks election safety and commit safety).</summary>
    public bool MultipleChangesInFlight { get; set; }

    /// <summary>Accept a membership change before the leader committed an entry of its own term (the single-server
    /// change bug reported by Ongaro in 2015): an uncommitted change of a deposed leader and the new leader's change
    /// can together be two steps apart.</summary>
    public bool ChangeBeforeTermCommit { get; set; }

    /// <summary>Candidates ask learners for votes and count their grants: a learner (a member that does not hold the
    /// log a voter holds) can elect a leader that lacks committed entries (breaks leader completeness).</summary>
    public bool LearnersVote { get; set; }

    /// <summary>A follower whose configuration entry is overwritten by a new leader keeps using it (thesis §4.1: a
    /// configuration that leaves the log stops governing).</summary>
    public bool KeepTruncatedConfiguration { get; set; }
}
