using RaftOrleans.Consensus.Tests.Scenarios;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Features.Snapshots;

/// <summary>End to end on the scenario network: a follower cut off while the others compact their logs
/// catches up through InstallSnapshot, with messages (chunks included) lost on the way, and then follows by
/// plain appends.</summary>
public sealed class SnapshotCatchUpTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    public void AFollowerCutOffBehindTheCompactionPointCatchesUpThroughASnapshot(double dropRate)
    {
        var replicas = Cluster.Ids(3).Select(id =>
        {
            var config = Cluster.Config(id, 3) with { MaxSnapshotChunkBytes = 16, MaxInflightSnapshotChunks = 2, SnapshotResendTicks = 3 };
            return TestSnapshotter.Replica(config, new MemoryRaftLogStorage(), 100).Replica;
        }).ToArray();
        var net = new Network(replicas, seed: 7);
        var leader = net.ElectLeader();
        var behind = net.Replicas.First(r => r.Id != leader.Id);
        var other = net.Replicas.First(r => r.Id != leader.Id && r.Id != behind.Id);
        net.Isolate(behind.Id);

        for (var i = 0; i < 30; i++) Assert.Equal(ProposeOutcome.Accepted, net.Propose($"v{i}").Outcome);
        // The two connected replicas compact everything they applied but a tail of 2 (the test snapshotter's
        // image stands for a durable snapshot at the applied index).
        foreach (var r in new[] { leader, other })
        {
            var to = CompactionPolicy.CompactTo(r.AppliedIndex, r.AppliedIndex, r.Storage.LastIndex(), 2, r.Storage.FirstIndex());
            Assert.NotNull(to);
            r.Storage.Compact(to.Value);
        }
        Assert.True(leader.Storage.FirstIndex() > behind.Storage.LastIndex() + 1, net.Describe());

        net.Recover();
        net.DropRate = dropRate;
        net.TickUntil(() => behind.Installed.Count > 0 && behind.AppliedIndex == leader.AppliedIndex, 300,
            $"replica {behind.Id} caught up through a snapshot");

        var installed = behind.Installed[0];
        Assert.Equal(TestSnapshotter.ImageAt(installed.Metadata.Index, 100), installed.Data.ToArray());
        Assert.True(installed.Metadata.Index >= leader.Storage.FirstIndex() - 1, $"snapshot at {installed.Metadata.Index}");
        Assert.Equal(leader.Storage.Term(installed.Metadata.Index), installed.Metadata.Term);

        // Afterwards plain appends: a new entry reaches it without another snapshot.
        net.DropRate = 0;
        var installs = behind.Installed.Count;
        Assert.Equal(ProposeOutcome.Accepted, net.Propose("after").Outcome);
        net.TickUntil(() => behind.AppliedIndex == leader.AppliedIndex, 50, "the new entry applied on the returning replica");
        Assert.Equal(installs, behind.Installed.Count);
        Assert.Contains(behind.Applied, e => e.Data.SequenceEqual("after"u8.ToArray()));
    }
}
