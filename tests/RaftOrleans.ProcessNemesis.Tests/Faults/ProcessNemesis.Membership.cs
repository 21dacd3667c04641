using System.Diagnostics;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.ProcessNemesis.Tests.Faults;

/// <summary>
/// The membership faults (issue #13): <see cref="ProcessFaultKind.Reconfigure"/> and
/// <see cref="ProcessFaultKind.WipeRestart"/>. Each starts from the healthy configuration (the three
/// original replicas as voters, every silo up) and ends by driving back to it, so the other faults
/// always find the group they expect. A reconfiguration may be made while one other silo is paused or
/// killed (one silo down at a time, as in the other faults); a wipe is made only while every other
/// member is up, since a majority of disks lost is outside the fault model (docs/disk-loss.md). Changes that time
/// out under faults are retried (<see cref="MembershipDriver"/>) until <see cref="ChangeTimeout"/>;
/// a change that is not made by then is logged, and the run's final heal must still succeed.
/// </summary>
public sealed partial class ProcessNemesis
{
    /// <summary>How long one drive to a target configuration may take under faults before it is given up.</summary>
    public static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(45);

    /// <summary>How long a wiped silo may take to start and its blank replica to answer status.</summary>
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(60);

    private int _wipes;

    /// <summary>Data directories wiped (silos restarted on a blank disk under their old name).</summary>
    public int Wipes => Volatile.Read(ref _wipes);

    /// <summary>Drives the configuration back to the three original voters (the spare removed): the end of a run.</summary>
    public Task<string?> HealMembershipAsync(TimeSpan timeout)
        => Membership.ReachAsync(ProcessNemesisCluster.InitialVoters, timeout, "heal: the original voters");

    private async Task ReconfigureAsync(ProcessFault fault, Random random)
    {
        if (!await ReadyForMembershipAsync(fault)) return;
        var initial = ProcessNemesisCluster.InitialVoters;
        var leader = await LeaderOrPickAsync(random);
        var subject = fault.Variant switch
        {
            ReconfigureVariant.RemoveFollower => Pick(random, except: leader),
            ReconfigureVariant.RemoveLeader => leader,
            _ => Spare,
        };
        var changed = fault.Variant == ReconfigureVariant.GrowSpare ? initial.Append(subject.Index).ToList() : initial.Where(i => i != subject.Index).ToList();
        // The concurrent fault hits a silo the change does not name (the leader may be it, unless it is the one
        // removed): the change then commits, or is overwritten by a new leader, while that silo is frozen or down.
        var bystander = fault.Bystander switch
        {
            BystanderFault.Pause => PauseAsync(Pick(random, except: subject), fault.Second),
            BystanderFault.Kill => KillRestartAsync(Pick(random, except: subject), fault.Second),
            _ => Task.CompletedTask,
        };
        var what = fault.Variant switch
        {
            ReconfigureVariant.RemoveFollower => $"remove follower {subject.Name}",
            ReconfigureVariant.RemoveLeader => $"remove the leader {subject.Name} (it must hand over and step down)",
            _ => $"grow onto the spare {subject.Name}",
        };
        if (await Membership.ReachAsync(changed, ChangeTimeout, what) is null)
        {
            // The group runs in the changed configuration for a while: writes commit on its voters only.
            await Task.Delay(fault.Duration);
        }
        await Membership.ReachAsync(initial, ChangeTimeout, fault.Variant == ReconfigureVariant.GrowSpare ? $"shrink back: remove {subject.Name}" : $"re-add {subject.Name} as learner and promote it");
        await bystander;
    }

    private async Task WipeRestartAsync(ProcessFault fault, Random random)
    {
        if (!await ReadyForMembershipAsync(fault)) return;
        var before = await cluster.TryStatusAsync();
        if (ProcessNemesisCluster.NewestLeader(before) is not { } leader)
        {
            log.Write($"  no leader reported ({ProcessNemesisCluster.Describe(before)}); wipe skipped");
            return;
        }
        var victim = Pick(random, except: cluster.SiloOf(leader.Replica));
        var recorded = leader.Members.Single(m => m.Replica == victim.Index).Incarnation;
        var pid = victim.ProcessId;
        cluster.Kill(victim);
        cluster.Wipe(victim);
        Interlocked.Increment(ref _wipes);
        cluster.Start(victim);
        log.Write($"  kill -9 {victim.Name} (pid {pid}), its data directory deleted, restarted under its old name (pid {victim.ProcessId}); recorded incarnation {recorded:x}");

        await WatchBlankReplicaAsync(victim, recorded, fault.Duration);
        var others = ProcessNemesisCluster.InitialVoters.Where(i => i != victim.Index).ToList();
        if (await Membership.ReachAsync(others, ChangeTimeout, $"remove the wiped replica {victim.Index}") is not null) return;
        if (await Membership.ReachAsync(ProcessNemesisCluster.InitialVoters, ChangeTimeout, $"add {victim.Name} back as learner and promote it") is not null) return;
        var afterwards = await cluster.TryStatusAsync();
        var after = ProcessNemesisCluster.NewestLeader(afterwards)?.Members.FirstOrDefault(m => m.Replica == victim.Index);
        var replica = afterwards?.Replicas.FirstOrDefault(r => r.Replica == victim.Index);
        log.Write($"  {victim.Name} is a voter again, incarnation {after?.Incarnation.ToString("x") ?? "unknown"} (was {recorded:x}), leader's match {after?.Match}; "
            + $"its replica: commit {replica?.Commit}, first index {replica?.FirstIndex}, snapshots installed {replica?.SnapshotsInstalled}");
        if (after is not null && after.Incarnation == recorded)
        {
            Error($"{victim.Name} came back on a blank disk yet the configuration records its old incarnation {recorded:x}: the wipe was not seen");
        }
    }

    /// <summary>
    /// Waits until the restarted replica answers status, then for <paramref name="window"/> checks that the
    /// group ignores it: it stays at commit 0 (no leader counts it or sends it entries it accepts) and the
    /// leader still records its old incarnation. The window bounds an observation of something that must not
    /// happen, not a wait for something to happen.
    /// </summary>
    private async Task WatchBlankReplicaAsync(SiloProcess victim, long recorded, TimeSpan window)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await cluster.TryStatusAsync();
            if (status?.Replicas.FirstOrDefault(r => r.Replica == victim.Index) is { Error: null } blank)
            {
                log.Write($"  blank replica {victim.Index} answers after {clock.Elapsed.TotalSeconds:0.0}s: commit {blank.Commit}, configured {blank.Configured}");
                break;
            }
            if (clock.Elapsed > RestartTimeout)
            {
                log.Write($"  blank replica {victim.Index} did not answer within {RestartTimeout.TotalSeconds:0}s ({ProcessNemesisCluster.Describe(status)}); healing anyway");
                return;
            }
            // Poll interval while the silo starts, not synchronisation.
            await Task.Delay(250);
        }
        var watch = Stopwatch.StartNew();
        var polls = 0;
        while (watch.Elapsed < window)
        {
            var status = await cluster.TryStatusAsync();
            polls++;
            if (BlankReplicaCounted(status, victim.Index, recorded) is { } counted)
            {
                Error(counted);
                return;
            }
            // Poll interval of the observation.
            await Task.Delay(300);
        }
        log.Write($"  blank replica {victim.Index} ignored for {window.TotalSeconds:0.0}s ({polls} status reads: commit 0, old incarnation recorded)");
    }

    /// <summary>
    /// What in <paramref name="status"/> shows a replica back on a blank disk being counted before its
    /// removal, or null: it has committed something (a leader sent it entries it accepted, or counted its
    /// acknowledgement), it leads, or the leader records an incarnation for it other than
    /// <paramref name="recorded"/> (the one before the wipe).
    /// </summary>
    public static string? BlankReplicaCounted(GroupStatus? status, int replica, long recorded)
    {
        var blank = status?.Replicas.FirstOrDefault(r => r.Replica == replica && r.Error is null);
        if (blank is { Commit: > 0 } || blank?.Role == "Leader")
            return $"the blank replica {replica} was counted before its removal: {ProcessNemesisCluster.Describe(status)}";
        var leader = ProcessNemesisCluster.NewestLeader(status);
        if (leader?.Members.FirstOrDefault(m => m.Replica == replica) is { } member && member.Incarnation != recorded)
            return $"the leader {leader.Replica} records incarnation {member.Incarnation:x} for replica {replica} before its removal (was {recorded:x}): the blank replica was accepted under its old name";
        return null;
    }

    /// <summary>
    /// True when every silo is up and unpaused and the group is back in its healthy configuration (driving it
    /// there first if an earlier change was not completed): a membership fault starts only then, so it never
    /// adds to another member being down.
    /// </summary>
    private async Task<bool> ReadyForMembershipAsync(ProcessFault fault)
    {
        if (cluster.Silos.FirstOrDefault(s => !s.IsRunning || PosixProcess.IsPaused(s.ProcessId) || File.Exists(cluster.StallFile(s))) is { } down)
        {
            log.Write($"  {down.Name} is down, paused or stalled; {fault.Kind} skipped");
            return false;
        }
        if (await Membership.ReachAsync(ProcessNemesisCluster.InitialVoters, ChangeTimeout, "before the change: the original voters") is { } notHealthy)
        {
            log.Write($"  {fault.Kind} skipped: {notHealthy}");
            return false;
        }
        return true;
    }

    private SiloProcess Spare => cluster.Silos.First(s => !ProcessNemesisCluster.InitialVoters.Contains(s.Index));
}
