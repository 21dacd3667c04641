using RaftOrleans.Consensus;

namespace RaftOrleans.Consensus.Tests.Support;

/// <summary>
/// A replica as a test drives it: a <see cref="RaftNode"/>, its "disk" (<see cref="MemoryRaftLogStorage"/>),
/// and the state machine's applied entries. <see cref="Drain"/> plays the driver: persist, then collect
/// messages, then apply, then advance — the order <see cref="Ready"/> demands.
/// </summary>
internal sealed class Replica
{
    private readonly int seed;
    private int restarts;

    public Replica(RaftConfig config, MemoryRaftLogStorage? storage = null, int seed = 0, IStateMachineSnapshotter? snapshotter = null)
    {
        Config = config;
        Storage = storage ?? new MemoryRaftLogStorage();
        this.seed = seed == 0 ? config.Id * 7919 : seed;
        Snapshotter = snapshotter;
        // A compacted log restarts from its snapshot: everything up to the compaction point counts as applied.
        AppliedIndex = Storage.FirstIndex() - 1;
        Node = new RaftNode(config, Storage, new Random(this.seed), AppliedIndex, snapshotter);
    }

    /// <summary>Captures images for InstallSnapshot, if the test gave one.</summary>
    public IStateMachineSnapshotter? Snapshotter { get; }

    /// <summary>Index of the last entry applied (or covered by an installed snapshot).</summary>
    public long AppliedIndex { get; private set; }

    /// <summary>Snapshots installed from <see cref="Ready.Snapshot"/>, in order.</summary>
    public List<SnapshotImage> Installed { get; } = [];

    public RaftConfig Config { get; private set; }
    public MemoryRaftLogStorage Storage { get; private set; }
    public RaftNode Node { get; private set; }
    public int Id => Config.Id;

    /// <summary>Entries applied to the state machine, in order.</summary>
    public List<Entry> Applied { get; } = [];

    /// <summary>Read states released so far.</summary>
    public List<ReadState> ReadStates { get; } = [];

    /// <summary>Read contexts reported dropped so far.</summary>
    public List<long> DroppedReads { get; } = [];

    /// <summary>Every Ready taken so far (for tests of the hand-off contract).</summary>
    public List<Ready> Readies { get; } = [];

    /// <summary>Carries out every pending Ready; returns the messages to send, in order.</summary>
    public List<Message> Drain()
    {
        var messages = new List<Message>();
        while (Node.HasReady())
        {
            var ready = Node.GetReady();
            Readies.Add(ready);
            // 0. install a received snapshot (the state machine jumps to its index) and start the log after it.
            if (ready.Snapshot is { } snapshot)
            {
                Installed.Add(snapshot);
                Storage.ApplySnapshot(snapshot.Metadata);
                AppliedIndex = snapshot.Metadata.Index;
            }
            // 1. persist: entries first, then the hard state (its commit may point into the new entries).
            Storage.Append(ready.Entries);
            if (ready.HardState is { } hs) Storage.SetHardState(hs);
            // 2. send
            messages.AddRange(ready.Messages);
            // 3. apply
            foreach (var e in ready.CommittedEntries)
            {
                var expected = AppliedIndex + 1;
                if (e.Index != expected) throw new InvalidOperationException($"Replica {Id} applied {e.Index}, expected {expected}.");
                Applied.Add(e);
                AppliedIndex = e.Index;
            }
            ReadStates.AddRange(ready.ReadStates);
            DroppedReads.AddRange(ready.DroppedReads);
            // 4. advance
            Node.Advance(ready);
        }
        return messages;
    }

    /// <summary>Steps every message in turn (no draining in between).</summary>
    public void Step(params Message[] messages)
    {
        foreach (var m in messages) Node.Step(m);
    }

    /// <summary>Ticks <paramref name="n"/> times.</summary>
    public void Tick(int n = 1)
    {
        for (var i = 0; i < n; i++) Node.Tick();
    }

    /// <summary>Crash and restart from persisted state only: volatile state and the state machine are lost,
    /// so committed entries are applied again from just after the compaction point.</summary>
    public void Restart()
    {
        restarts++;
        Applied.Clear();
        AppliedIndex = Storage.FirstIndex() - 1;
        var faults = Node.Faults;
        Node = new RaftNode(Config, Storage, new Random(seed + restarts * 104729), AppliedIndex, Snapshotter,
            Storage.Snapshot.IsEmpty ? null : Storage.Snapshot) { Faults = faults };
    }

    /// <summary>Crash, lose the disk (a replaced disk) and restart blank under the same id with storage
    /// incarnation <paramref name="incarnation"/>; the deliberate-bug switch board is kept.</summary>
    public void Wipe(long incarnation)
    {
        Storage = new MemoryRaftLogStorage();
        Config = Config with { Incarnation = incarnation };
        Restart();
    }

    /// <summary>The node's log as (index, term) pairs: persisted entries (tests drain before looking).</summary>
    public IReadOnlyList<(long Index, long Term)> LogTerms() =>
        Storage.AllEntries().Select(e => (e.Index, e.Term)).ToArray();

    public override string ToString()
    {
        var s = Node.Status();
        return $"#{s.Id} {s.Role} term={s.Term} vote={s.Vote} leader={s.Leader} commit={s.Commit} applied={s.Applied} last={s.LastIndex}";
    }
}
