using System.Text;
using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Scenarios;

/// <summary>
/// Issue #13's reproduction, deterministic: one follower stalls, 20 writes are acknowledged by the leader and the
/// other follower, that follower's disk is replaced (it restarts blank under its old id), the leader dies and the
/// stalled follower resumes. The blank replica and the stalled one must not elect a leader without the 20 writes:
/// the group is unavailable instead, until the old leader returns, and then every write is still there.
/// </summary>
public sealed class DiskLossScenarioTests
{
    private const int Writes = 20;

    [Fact]
    public void A_blank_replica_and_a_stale_one_cannot_elect_a_leader_without_acknowledged_writes()
    {
        var run = Reproduce(ignoreIncarnations: false);

        Assert.Null(run.LeaderWhileOldLeaderDown);
        Assert.True(run.Stalled.Node.MessagesFromOtherIncarnations > 0, $"the stalled replica never dropped the blank one's messages\n{run.Net.Describe()}");

        // The old leader returns: it and the stalled follower form a majority holding every acknowledged write.
        run.Net.Restart(run.OldLeader.Id);
        var leader = run.Net.ElectLeader(maxTicks: 400);
        Assert.NotEqual(run.Blank.Id, leader.Id);
        var after = run.Net.Propose("after");
        Assert.Equal(ProposeOutcome.Accepted, after.Outcome);
        run.Net.TickUntil(() => run.Stalled.Node.Status().Applied >= after.Index && run.OldLeader.Node.Status().Applied >= after.Index,
            200, "the new write applied on the old leader and the stalled replica");
        foreach (var replica in new[] { run.OldLeader, run.Stalled })
        {
            var applied = replica.Applied.Select(e => Encoding.UTF8.GetString(e.Data)).ToHashSet();
            Assert.All(run.Acknowledged, w => Assert.Contains(w, applied));
        }
        // The blank replica stays out: the group's replicas drop its messages (remove + add is the way back).
        Assert.True(run.OldLeader.Node.MessagesFromOtherIncarnations > 0, $"the old leader never dropped the blank one's messages\n{run.Net.Describe()}");
        Assert.True(run.Blank.Node.Status().Commit < after.Index);
    }

    [Fact]
    public void Without_the_incarnation_filter_the_same_scenario_loses_acknowledged_writes()
    {
        var run = Reproduce(ignoreIncarnations: true);

        // The bug: stalled + blank elect a leader whose log lacks the acknowledged writes.
        Assert.NotNull(run.LeaderWhileOldLeaderDown);
        var newLeader = run.LeaderWhileOldLeaderDown!;
        var held = newLeader.Storage.AllEntries().Select(e => Encoding.UTF8.GetString(e.Data)).ToHashSet();
        Assert.Contains(run.Acknowledged, w => !held.Contains(w));
    }

    private sealed record Run(Network Net, Replica OldLeader, Replica Stalled, Replica Blank, IReadOnlyList<string> Acknowledged,
        Replica? LeaderWhileOldLeaderDown);

    private static Run Reproduce(bool ignoreIncarnations)
    {
        var net = new Network(3, c => c with { Incarnation = 1000 + c.Id });
        if (ignoreIncarnations)
        {
            foreach (var r in net.Replicas) r.Node.Faults = new RaftFaults { IgnoreIncarnations = true };
        }
        var leader = net.ElectLeader();
        net.TickUntil(() => net.Replicas.All(r => r.Node.ConfigurationCommitted), 100, "the configuration committed everywhere");
        var first = net.Propose("before");
        net.TickUntil(() => net.Replicas.All(r => r.Node.Status().Commit >= first.Index), 50, "the first write committed everywhere");

        var followers = net.Replicas.Where(r => r.Id != leader.Id).OrderBy(r => r.Id).ToArray();
        var stalled = followers[0];
        var wiped = followers[1];
        net.Crash(stalled.Id); // SIGSTOP: it misses everything below

        var acknowledged = new List<string>();
        for (var i = 0; i < Writes; i++)
        {
            var write = $"w{i}";
            var result = net.Propose(write);
            Assert.Equal(ProposeOutcome.Accepted, result.Outcome);
            net.TickUntil(() => leader.Node.Status().Commit >= result.Index, 20, $"write {i} acknowledged by the leader and {wiped.Id}");
            acknowledged.Add(write);
        }

        net.Wipe(wiped.Id, incarnation: 9999); // disk replaced, restarted under its old name
        net.Crash(leader.Id);                  // the leader dies
        net.Resume(stalled.Id);                // SIGCONT

        Replica? elected = null;
        for (var t = 0; t < 300 && elected is null; t++)
        {
            net.Tick();
            elected = net.Leader;
        }
        return new Run(net, leader, stalled, wiped, acknowledged, elected);
    }
}
