using RaftOrleans.Consensus;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Scenarios;

/// <summary>Whole-group scenarios on the in-memory network: partitions, loss, delay, crashes.</summary>
public sealed class PartitionScenarioTests
{
    [Fact]
    public void MinorityPartitionCannotCommitAndMajorityCarriesOn()
    {
        var net = new Network(5);
        var leader = net.ElectLeader();
        var minority = new[] { leader.Id, net.Replicas.First(r => r.Id != leader.Id).Id };
        var majority = net.Replicas.Select(r => r.Id).Except(minority).ToArray();
        foreach (var a in minority)
            foreach (var b in majority) net.Cut(a, b);

        var stranded = leader.Node.Propose("stranded"u8.ToArray());
        net.Tick(5);
        Assert.Equal(ProposeOutcome.Accepted, stranded.Outcome);
        Assert.True(leader.Node.Status().Commit < stranded.Index);

        var newLeader = net.ElectLeader(except: leader.Id);
        Assert.Contains(newLeader.Id, majority);
        var committed = net.Propose("majority");
        net.Tick(3);
        Assert.True(newLeader.Node.Status().Commit >= committed.Index);

        net.Recover();
        net.Tick(50);

        var expected = newLeader.Storage.AllEntries();
        Assert.All(net.Replicas, r => Assert.Equal(expected, r.Storage.AllEntries()));
        Assert.All(net.Replicas, r => Assert.DoesNotContain(r.Applied, e => e.Data.SequenceEqual("stranded"u8.ToArray())));
        Assert.All(net.LeadersByTerm, kv => Assert.Single(kv.Value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LossyNetworkStillReplicatesEverything(int seed)
    {
        var net = new Network(5, seed: seed) { DropRate = 0.2 };
        var accepted = new List<(ProposeResult Result, byte Command)>();
        for (var round = 0; round < 60; round++)
        {
            if (net.Leader is { } leader && leader.Node.Propose([(byte)round]) is { Outcome: ProposeOutcome.Accepted } result)
                accepted.Add((result, (byte)round));
            net.Tick(5);
        }

        net.Recover();
        net.Tick(100);

        var reference = net.Replicas.OrderByDescending(r => r.Applied.Count).First().Applied;
        Assert.All(net.Replicas, r => Assert.Equal(reference.Select(e => (e.Index, e.Term)), r.Applied.Select(e => (e.Index, e.Term))));
        // The driver's proposal contract: the committed entry at a proposal's index has the proposal's term
        // exactly when it is that proposal.
        var matched = 0;
        foreach (var (result, command) in accepted)
        {
            var at = reference.Single(e => e.Index == result.Index);
            if (at.Term != result.Term) continue;
            Assert.Equal([command], at.Data);
            matched++;
        }
        Assert.True(matched >= 30, $"only {matched} of {accepted.Count} proposals committed");
        Assert.All(net.LeadersByTerm, kv => Assert.Single(kv.Value));
    }

    [Fact]
    public void DelayedMessagesFromAnOldTermAreHarmless()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        net.Hold(m => m.From == leader.Id && m.Type == MessageType.Append);
        leader.Node.Propose("delayed"u8.ToArray());
        net.DeliverAll();

        net.Isolate(leader.Id);
        var next = net.ElectLeader(except: leader.Id);
        net.Propose("current");
        net.Recover();

        net.ReleaseHeld(); // stale appends of the old term arrive late
        net.Tick(30);

        Assert.Equal(StateRole.Leader, next.Node.Role);
        var expected = next.Storage.AllEntries();
        Assert.All(net.Replicas, r => Assert.Equal(expected, r.Storage.AllEntries()));
        Assert.All(net.LeadersByTerm, kv => Assert.Single(kv.Value));
    }

    [Fact]
    public void CrashedMajorityRecoversFromPersistedState()
    {
        var net = new Network(3);
        var leader = net.ElectLeader();
        for (var i = 0; i < 5; i++) net.Propose($"x{i}");
        net.Tick(2);
        var commit = leader.Node.Status().Commit;

        foreach (var r in net.Replicas.ToArray()) net.Crash(r.Id);
        foreach (var r in net.Replicas.ToArray()) net.Restart(r.Id);
        var again = net.ElectLeader();
        net.Propose("after");
        net.Tick(2);

        // Old commit, the new leader's no-op, the new command.
        Assert.All(net.Replicas, r => Assert.Equal(commit + 2, r.Applied.Count));
        Assert.All(net.LeadersByTerm, kv => Assert.Single(kv.Value));
        Assert.Equal(again.Node.Term, again.Applied[^1].Term);
    }
}
