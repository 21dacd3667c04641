using RaftOrleans.Testing.Cluster;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>Storage faults: latency, failed writes, a crash after a write landed.</summary>
public sealed partial class ScheduledNemesis
{
    private async Task<Injected?> StorageLatencyAsync(FaultEvent e, Random random)
    {
        var replicas = e.Spec.Target == FaultTarget.All
            ? AllReplicas.ToList()
            : [(await ResolveAsync(e.Spec.Target, random)).Replica];
        var min = TimeSpan.FromMilliseconds(5 + random.Next(25));
        var max = min + TimeSpan.FromMilliseconds(50 + random.Next(250));
        foreach (var r in replicas) _cluster.Storage.SetLatency(_cluster.SiloName(r), min, max);
        _log.Took(e, $"storage of replicas {string.Join(", ", replicas)} takes {min.TotalMilliseconds:0}–{max.TotalMilliseconds:0} ms per call");
        return Heal(e, () =>
        {
            foreach (var r in replicas) _cluster.Storage.ClearLatency(_cluster.SiloName(r));
        });
    }

    private async Task<Injected?> WriteFaultAsync(FaultEvent e, Random random)
    {
        var storage = _cluster.Storage;
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0) return Skip(e, "no replica up");
        var silo = _cluster.SiloName(r);
        var failed = e.Spec.Kind == FaultKind.FailedWrite;
        var count = 1 + random.Next(3);
        var firedBefore = storage.Fired(silo);
        if (failed) storage.FailNextWrites(silo, count);
        else storage.CrashAfterNextWrite(silo);
        _log.Write($"#{e.Id} {e.Spec}: armed: " + (failed ? $"next {count} storage writes of replica {r} ({role}) fail" : $"replica {r} ({role}) crashes after its next storage write lands"));
        bool Fired() => storage.Fired(silo) > firedBefore;
        return new Injected(() =>
        {
            // It took effect only if a write came while it was armed.
            storage.DisarmWrites(silo);
            if (Fired()) _log.Took(e, "fired; healed");
            else _log.Write($"#{e.Id} healed: did not fire (no write)");
            return Task.CompletedTask;
        }, Fired);
    }
}
