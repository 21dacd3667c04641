namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// The whole fault model of one simulation run in one printable record (after TigerBeetle's packet
/// simulator options): cluster shape, network misbehaviour, partitions, crashes, client workload.
/// A run is fully determined by this record and a seed. Time is in node ticks; network delays are in
/// time units, <see cref="Simulation.UnitsPerTick"/> to a tick, so messages can arrive between ticks.
/// Probabilities are per message (network) or per nemesis round (partitions, crashes, transfers).
/// </summary>
internal sealed record SimulationOptions
{
    /// <summary>Name used in reports and in <c>RAFT_SIM_CONFIG</c>.</summary>
    public required string Name { get; init; }

    // ---- cluster ----
    /// <summary>Number of replicas (3 or 5): the group's voters plus, with <see cref="InitialVoters"/>, spares.</summary>
    public int Replicas { get; init; } = 3;
    /// <summary>Replicas 1..this are the initial voters; the others start outside the group, as new members waiting
    /// to be added. 0 = all <see cref="Replicas"/>.</summary>
    public int InitialVoters { get; init; }
    /// <summary><see cref="RaftConfig.ElectionTicks"/>.</summary>
    public int ElectionTicks { get; init; } = 10;
    /// <summary><see cref="RaftConfig.HeartbeatTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 1;
    /// <summary><see cref="RaftConfig.MaxEntriesPerMessage"/>: small, so batching and pipelining are exercised.</summary>
    public int MaxEntriesPerMessage { get; init; } = 8;
    /// <summary><see cref="RaftConfig.MaxInflightMessages"/>.</summary>
    public int MaxInflightMessages { get; init; } = 4;

    // ---- duration ----
    /// <summary>Ticks of the faulty phase.</summary>
    public int Ticks { get; init; } = 600;
    /// <summary>Ticks of the quiet tail: network healed and reliable, crashed replicas restarted, so
    /// live replicas converge before the final state comparison.</summary>
    public int QuietTicks { get; init; } = 150;

    // ---- network ----
    /// <summary>Shortest one-way delay, in time units.</summary>
    public int MinDelay { get; init; } = 1;
    /// <summary>Longest ordinary one-way delay, in time units.</summary>
    public int MaxDelay { get; init; } = 8;
    /// <summary>Probability that a message is lost.</summary>
    public double Loss { get; init; }
    /// <summary>Probability that a message is delivered twice (independent delays).</summary>
    public double Duplication { get; init; }
    /// <summary>Probability that a message is held back by up to <see cref="ReorderDelayMax"/> extra
    /// units, so later messages overtake it.</summary>
    public double Reorder { get; init; }
    /// <summary>Largest extra delay of a reordered message, in time units.</summary>
    public int ReorderDelayMax { get; init; } = 60;

    // ---- partitions ----
    /// <summary>Probability per nemesis round, while the network is whole, of starting a partition.</summary>
    public double PartitionProbability { get; init; }
    /// <summary>Relative weight of isolating the current leader from everyone.</summary>
    public double IsolateLeaderWeight { get; init; } = 1;
    /// <summary>Relative weight of a split with the current leader on the minority side.</summary>
    public double LeaderMinorityWeight { get; init; } = 1;
    /// <summary>Relative weight of a random minority/majority split.</summary>
    public double RandomSplitWeight { get; init; } = 1;
    /// <summary>Relative weight of one-way loss: some replicas can send but not receive (or the reverse).</summary>
    public double OneWayWeight { get; init; } = 1;
    /// <summary>Shortest partition, in ticks.</summary>
    public int PartitionMinTicks { get; init; } = 10;
    /// <summary>Longest partition, in ticks.</summary>
    public int PartitionMaxTicks { get; init; } = 80;

    // ---- crashes ----
    /// <summary>Probability per nemesis round of crashing a live replica.</summary>
    public double CrashProbability { get; init; }
    /// <summary>Probability that the crashed replica is the current leader rather than a random one.</summary>
    public double CrashLeaderBias { get; init; } = 0.5;
    /// <summary>Share of crashes that strike in the middle of the victim's next batch that has entries:
    /// after the messages that may precede the persist went out, before the persist (torn crash).</summary>
    public double TornCrashShare { get; init; } = 0.5;
    /// <summary>Most replicas down at once.</summary>
    public int MaxCrashed { get; init; } = 1;
    /// <summary>Shortest downtime, in ticks.</summary>
    public int RestartMinTicks { get; init; } = 2;
    /// <summary>Longest downtime, in ticks.</summary>
    public int RestartMaxTicks { get; init; } = 60;
    /// <summary>Probability per nemesis round of wiping a replica's disk (it restarts blank under its old id and a
    /// new incarnation), once the group has committed its configuration.</summary>
    public double WipeProbability { get; init; }
    /// <summary>Most disk wipes per run (each wiped replica is excluded for good; more than a minority would stop the group).</summary>
    public int MaxWipes { get; init; } = 1;
    /// <summary>Probability per nemesis round of pausing a live replica (a stop-the-world stall: it
    /// neither ticks nor handles anything; what arrives meanwhile waits for it).</summary>
    public double PauseProbability { get; init; }
    /// <summary>Shortest pause, in ticks.</summary>
    public int PauseMinTicks { get; init; } = 5;
    /// <summary>Longest pause, in ticks.</summary>
    public int PauseMaxTicks { get; init; } = 40;
    /// <summary>Most a replica's clock may run fast or slow, in percent: each replica (each time it
    /// starts) ticks every <c>UnitsPerTick * (1 ± drift)</c> units, so leases and timeouts disagree.</summary>
    public int ClockDriftPercent { get; init; }
    /// <summary>Probability per nemesis round of asking the leader to transfer leadership.</summary>
    public double TransferProbability { get; init; }
    /// <summary>Probability per nemesis round of asking the leader for one membership change: add a spare as a
    /// learner, promote a learner, or remove a member (never below <see cref="MinVoters"/> voters).</summary>
    public double MembershipChangeProbability { get; init; }
    /// <summary>Fewest voters the nemesis leaves when it removes one.</summary>
    public int MinVoters { get; init; } = 2;
    /// <summary>Ticks between nemesis rounds.</summary>
    public int NemesisIntervalTicks { get; init; } = 5;

    // ---- clients ----
    /// <summary>Concurrent clients, each with one operation open at a time.</summary>
    public int Clients { get; init; } = 3;
    /// <summary>Keys the workload touches (few, so operations collide).</summary>
    public int Keys { get; init; } = 3;
    /// <summary>Relative weight of Put.</summary>
    public int PutWeight { get; init; } = 4;
    /// <summary>Relative weight of linearizable Get.</summary>
    public int GetWeight { get; init; } = 4;
    /// <summary>Relative weight of Delete.</summary>
    public int DeleteWeight { get; init; } = 1;
    /// <summary>Relative weight of Cas.</summary>
    public int CasWeight { get; init; } = 3;
    /// <summary>Longest pause between a client's operations, in ticks.</summary>
    public int ThinkTicksMax { get; init; } = 3;
    /// <summary>A client retries elsewhere when an attempt has no answer after this many ticks.</summary>
    public int AttemptTimeoutTicks { get; init; } = 10;
    /// <summary>A client gives up after this many ticks: the operation is recorded indeterminate.</summary>
    public int OperationTimeoutTicks { get; init; } = 100;

    // ---- snapshots and compaction ----
    /// <summary>Each replica takes a durable snapshot of its state machine after applying a number of entries
    /// drawn in <c>[SnapshotEveryEntries, 2 * SnapshotEveryEntries)</c> since its last one, then compacts its
    /// log through <see cref="CompactionPolicy"/>. 0 = never (the log is never compacted).</summary>
    public int SnapshotEveryEntries { get; init; }
    /// <summary>Entries kept behind the compaction point (<see cref="CompactionPolicy"/>'s trailing entries).</summary>
    public int TrailingEntries { get; init; } = 4;
    /// <summary><see cref="RaftConfig.MaxSnapshotChunkBytes"/>: small, so a transfer takes many chunks.</summary>
    public int MaxSnapshotChunkBytes { get; init; } = 256 * 1024;
    /// <summary><see cref="RaftConfig.MaxInflightSnapshotChunks"/>.</summary>
    public int MaxInflightSnapshotChunks { get; init; } = 4;

    // ---- bugs ----
    /// <summary>Deliberate bugs switched on in every replica (fault-injection tests only).</summary>
    public SimulatedFault Faults { get; init; } = SimulatedFault.None;
}
