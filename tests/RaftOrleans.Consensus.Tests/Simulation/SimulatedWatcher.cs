using RaftOrleans.KeyValue;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// A watch client: every few ticks it asks whichever live replica believes it leads for the changes of the whole
/// keyspace after the last revision it saw (the grain's watch poll, which reads <see cref="KeyValueStateMachine.Watch"/>
/// on the leader), like <c>IRaftKeyValueStore.WatchAsync</c> following leader changes. It checks its own stream as
/// it goes: revisions never go back, each event's previous value is what the stream itself says the key held (a gap,
/// a repeat or a reorder breaks that), and at the end the keyspace the stream describes equals the replicas' final
/// keyspace. A start older than the leader's history (a leader that restarted from its snapshot) answers Compacted;
/// then it does what a client must: reads the whole keyspace at the leader's revision and watches on from there.
/// </summary>
internal sealed class SimulatedWatcher
{
    private readonly Dictionary<string, KvEntry> _state = new(StringComparer.Ordinal);
    private long _next = 1;
    private long _lastRevision;

    /// <summary>Events checked.</summary>
    public long Events { get; private set; }

    /// <summary>Times a start was compacted and the watcher read the keyspace again.</summary>
    public int Relists { get; private set; }

    /// <summary>One poll of the replica that leads (the highest term among those that believe they lead), if any.</summary>
    public void Poll(IReadOnlyList<SimulatedReplica> replicas)
    {
        SimulatedReplica? leader = replicas.Where(r => r.IsUp && r.Node!.Role == StateRole.Leader).MaxBy(r => r.Node!.Term);
        if (leader?.Machine is not { } machine) return;
        KvResult answer = machine.Watch(KvRange.WithPrefix(""), _next, maxEvents: 500);
        if (answer.Status == KvStatus.Compacted)
        {
            Relist(machine);
            return;
        }
        if (answer.Status != KvStatus.Ok) throw new SafetyViolationException("watch", $"r{leader.Id} answered a watch from {_next} with {answer.Status}: {answer.Message}");
        foreach (KvEvent change in answer.Events!) Check(leader.Id, change);
        if (answer.Revision + 1 > _next) _next = answer.Revision + 1;
    }

    /// <summary>The keyspace the stream describes must be the keyspace of a replica that applied exactly as far (a run
    /// that did not converge may end with every live replica behind or ahead of the stream: nothing to compare then).</summary>
    public void CheckFinal(IEnumerable<KeyValueStateMachine> machines)
    {
        KeyValueStateMachine? machine = machines.FirstOrDefault(m => m.Revision == _next - 1);
        if (machine is null) return;
        var final = machine.Range(KvRange.WithPrefix("")).Entries!;
        var streamed = _state.Values.OrderBy(e => e.Key, KeyOrder.Instance).ToList();
        if (!final.SequenceEqual(streamed))
            throw new SafetyViolationException("watch", $"the watched stream describes {streamed.Count} keys [{string.Join(", ", streamed.Take(5))}...], the replicas hold {final.Count} [{string.Join(", ", final.Take(5))}...]");
    }

    private void Check(int replica, KvEvent change)
    {
        if (change.Revision < _lastRevision || change.Revision < _next)
            throw new SafetyViolationException("watch", $"r{replica} sent revision {change.Revision} after {_lastRevision} (asked from {_next})");
        KvEntry? held = _state.TryGetValue(change.Current.Key, out KvEntry entry) ? entry : null;
        if (held != change.Previous)
            throw new SafetyViolationException("watch", $"r{replica}'s event at revision {change.Revision} on '{change.Current.Key}' says it held {change.Previous?.ToString() ?? "nothing"}, the stream says {held?.ToString() ?? "nothing"}: a change was missed, repeated or reordered");
        if (change.IsDelete) _state.Remove(change.Current.Key);
        else _state[change.Current.Key] = change.Current;
        _lastRevision = change.Revision;
        Events++;
    }

    private void Relist(KeyValueStateMachine machine)
    {
        Relists++;
        _state.Clear();
        foreach (KvEntry entry in machine.Range(KvRange.WithPrefix("")).Entries!) _state[entry.Key] = entry;
        _next = machine.Revision + 1;
        _lastRevision = machine.Revision;
    }
}
