using System.Diagnostics;
using RaftOrleans.Testing.Cluster;

namespace RaftOrleans.Nemesis.Tests.Faults;

/// <summary>Process faults: silos killed, stopped or killed after a write; replicas paused.</summary>
public sealed partial class ScheduledNemesis
{
    private async Task<Injected?> KillOrStopAsync(FaultEvent e, Random random)
    {
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0 || !TryDoom(r)) return Skip(e, $"replica {r} is down or a minority is already down");
        var graceful = e.Spec.Kind == FaultKind.Stop;
        var took = Stopwatch.StartNew();
        var done = graceful ? await _cluster.StopReplicaSiloAsync(r) : await _cluster.KillReplicaSiloAsync(r);
        if (!done)
        {
            Undoom(r);
            return Skip(e, $"silo of replica {r} was already down");
        }
        _log.Took(e, $"{(graceful ? "stopped" : "killed")} {_cluster.SiloName(r)} ({role}) in {took.ElapsedMilliseconds} ms");
        return new Injected(async () =>
        {
            await _cluster.RestartReplicaSiloAsync(r);
            Undoom(r);
            _log.Write($"#{e.Id} healed: restarted {_cluster.SiloName(r)}");
        });
    }

    private async Task<Injected?> KillAfterWriteAsync(FaultEvent e, Random random)
    {
        var storage = _cluster.Storage;
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0 || !TryDoom(r)) return Skip(e, $"replica {r} is down or a minority is already down");
        var silo = _cluster.SiloName(r);
        var firedBefore = storage.Fired(silo);
        storage.KillSiloAfterNextWrite(silo);
        _log.Write($"#{e.Id} {e.Spec}: armed: {silo} ({role}) is killed after its next storage write lands");
        bool Fired() => storage.Fired(silo) > firedBefore;
        return new Injected(async () =>
        {
            storage.DisarmWrites(silo);
            var fired = Fired();
            if (fired)
            {
                // The kill runs on its own once the write lands; wait for it before restarting.
                var until = Stopwatch.StartNew();
                while (_cluster.IsUp(r) && until.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
                await _cluster.RestartReplicaSiloAsync(r);
            }
            Undoom(r);
            if (fired) _log.Took(e, $"{silo} was killed after a write; healed: restarted");
            else _log.Write($"#{e.Id} healed: did not fire (no write)");
        }, Fired);
    }

    private async Task<Injected?> PauseAsync(FaultEvent e, Random random)
    {
        var (r, role) = await ResolveAsync(e.Spec.Target, random);
        if (r == 0 || !_cluster.Hook.Pause(r)) return Skip(e, $"replica {r} is down or already paused");
        _log.Took(e, $"paused replica {r} ({role})");
        return Heal(e, () => _cluster.Hook.Resume(r));
    }

    /// <summary>Counts <paramref name="replica"/> against the minority that may be down (or armed to go
    /// down) at once; false when it already is, or when that minority is full.</summary>
    private bool TryDoom(int replica)
    {
        lock (_gate)
        {
            if (_doomed.Contains(replica) || _doomed.Count >= (_cluster.ReplicaCount - 1) / 2) return false;
            _doomed.Add(replica);
            return true;
        }
    }

    private void Undoom(int replica)
    {
        lock (_gate) _doomed.Remove(replica);
    }
}
