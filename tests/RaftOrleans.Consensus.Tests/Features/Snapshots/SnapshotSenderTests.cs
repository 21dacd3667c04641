using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features.Snapshots;

/// <summary>
/// The leader's side of InstallSnapshot: a follower whose next entries are compacted moves to Snapshot
/// progress and gets the image in bounded chunks with a window of unacknowledged ones; a lost chunk is re-sent
/// from the last acknowledged offset; the final acknowledgement brings it back to log replication.
/// </summary>
public sealed class SnapshotSenderTests
{
    private const int ImageSize = 10;

    /// <summary>Leader 1 of a 5-group whose log is compacted up to 10 (entries 11..12 held); 3 and 4 acknowledged
    /// its no-op at 13, so it committed and applied 13.</summary>
    private static (Replica Leader, TestSnapshotter Snapshotter) LeaderWithCompactedLog(Func<RaftConfig, RaftConfig>? configure = null)
    {
        var storage = new MemoryRaftLogStorage(new HardState(2, RaftNode.None, 12), new SnapshotMetadata(10, 2, [1, 2, 3]),
            [new Entry(2, 11, EntryType.Normal, []), new Entry(2, 12, EntryType.Normal, [])]);
        var config = Config(1, 5) with { MaxSnapshotChunkBytes = 4, MaxInflightSnapshotChunks = 2, SnapshotResendTicks = 3 };
        var (leader, snapshotter) = TestSnapshotter.Replica(configure is null ? config : configure(config), storage, ImageSize);
        leader.Drain(); // applies 11..12
        ElectLeader(leader);
        leader.Drain();
        leader.Step(AppendResponse(3, 1, leader.Node.Term, 13), AppendResponse(4, 1, leader.Node.Term, 13));
        leader.Drain();
        Assert.Equal(13, leader.AppliedIndex);
        return (leader, snapshotter);
    }

    private static Message Reject(int from, long term, long index, long hint) => new()
    {
        Type = MessageType.AppendResponse, From = from, To = 1, Term = term, Index = index, Reject = true, RejectHint = hint,
    };

    private static Message SnapshotAck(int from, long term, long index, long offset, bool done = false) => new()
    {
        Type = MessageType.SnapshotResponse, From = from, To = 1, Term = term, Index = index, Offset = offset, Done = done,
    };

    private static PeerProgress ProgressOf(Replica r, int id) => r.Node.Status().Progress.Single(p => p.Id == id);

    /// <summary>Follower <paramref name="id"/> rejects the leader's first append (prevLogIndex: the leader's last
    /// index before its no-op) with an empty log: it needs everything.</summary>
    private static List<Message> FollowerNeedsSnapshot(Replica leader, int id = 2)
    {
        leader.Step(Reject(id, leader.Node.Term, leader.Node.Status().LastIndex - 1, 0));
        return leader.Drain().To(id, MessageType.Snapshot);
    }

    [Fact]
    public void AFollowerWhoseNextEntriesAreCompactedMovesToSnapshotProgressAndGetsBoundedChunks()
    {
        var (leader, snapshotter) = LeaderWithCompactedLog();
        var term = leader.Node.Term;

        var chunks = FollowerNeedsSnapshot(leader);

        Assert.Equal(ProgressState.Snapshot, ProgressOf(leader, 2).State);
        // A window of two chunks of at most 4 bytes, of the image captured at the leader's applied index 13.
        Assert.Equal([(0L, 4, false), (4L, 4, false)], chunks.Select(m => (m.Offset, m.Data.Length, m.Done)));
        Assert.All(chunks, m => Assert.Equal((13L, term, 10L, term), (m.Index, m.LogTerm, m.TotalBytes, m.Term)));
        Assert.Equal([1, 2, 3, 4, 5], chunks[0].Voters);
        Assert.Equal(TestSnapshotter.ImageAt(13, ImageSize).Take(8), chunks.SelectMany(m => m.Data.ToArray()));
        Assert.Equal(1, snapshotter.Captures);
        // No appends while the snapshot is sent, even after a heartbeat answer.
        leader.Step(HeartbeatResponse(2, 1, term));
        Assert.Empty(leader.Drain().To(2, MessageType.Append));
    }

    [Fact]
    public void AcknowledgementsByOffsetSlideTheChunkWindow()
    {
        var (leader, _) = LeaderWithCompactedLog();
        var term = leader.Node.Term;
        FollowerNeedsSnapshot(leader);

        leader.Step(SnapshotAck(2, term, 13, 4));
        var next = leader.Drain().To(2, MessageType.Snapshot);

        Assert.Equal([(8L, 2, true)], next.Select(m => (m.Offset, m.Data.Length, m.Done)));
        // Nothing more to send until the final acknowledgement.
        leader.Step(SnapshotAck(2, term, 13, 8));
        Assert.Empty(leader.Drain().To(2, MessageType.Snapshot));
    }

    [Fact]
    public void TheFinalAcknowledgementResumesLogReplicationAfterTheSnapshot()
    {
        var (leader, _) = LeaderWithCompactedLog();
        var term = leader.Node.Term;
        FollowerNeedsSnapshot(leader);

        leader.Step(SnapshotAck(2, term, 13, ImageSize, done: true));
        var appends = leader.Drain().To(2, MessageType.Append);

        var progress = ProgressOf(leader, 2);
        Assert.Equal((13L, 14L, ProgressState.Probe), (progress.Match, progress.Next, progress.State));
        var append = Assert.Single(appends);
        Assert.Equal((13L, term, 0, 13L), (append.Index, append.LogTerm, append.Entries.Count, append.Commit));
    }

    [Fact]
    public void ALostChunkIsResentFromTheLastAcknowledgedOffsetAfterTheResendTicks()
    {
        var (leader, _) = LeaderWithCompactedLog();
        var term = leader.Node.Term;
        FollowerNeedsSnapshot(leader);
        leader.Step(SnapshotAck(2, term, 13, 4)); // chunk at 0 arrived; the one at 4 is lost
        leader.Drain();

        leader.Tick(2);
        Assert.Empty(leader.Drain().To(2, MessageType.Snapshot));
        leader.Tick();
        var resent = leader.Drain().To(2, MessageType.Snapshot);

        Assert.Equal([4L, 8L], resent.Select(m => m.Offset));
    }

    [Fact]
    public void AFollowerThatLostItsBufferIsSentTheImageFromOffsetZero()
    {
        var (leader, _) = LeaderWithCompactedLog();
        var term = leader.Node.Term;
        FollowerNeedsSnapshot(leader);
        leader.Step(SnapshotAck(2, term, 13, 4));
        leader.Drain();

        leader.Step(SnapshotAck(2, term, 13, 0)); // it restarted mid-transfer
        var resent = leader.Drain().To(2, MessageType.Snapshot);

        Assert.Equal([0L, 4L], resent.Select(m => m.Offset));
    }

    [Fact]
    public void ARestartedLeaderStartsTheTransferOverWithAFreshImage()
    {
        var (leader, snapshotter) = LeaderWithCompactedLog();
        var oldTerm = leader.Node.Term;
        FollowerNeedsSnapshot(leader);
        leader.Step(SnapshotAck(2, oldTerm, 13, 4));
        leader.Drain();

        leader.Restart();
        ElectLeader(leader);
        leader.Drain();
        var chunks = FollowerNeedsSnapshot(leader);

        Assert.Equal([0L, 4L], chunks.Select(m => m.Offset));
        Assert.All(chunks, m => Assert.Equal((leader.Node.Term, 13L, oldTerm), (m.Term, m.Index, m.LogTerm)));
        Assert.Equal(2, snapshotter.Captures);
    }

    [Fact]
    public void OneImageServesEveryFollowerThatNeedsItWithinATerm()
    {
        var (leader, snapshotter) = LeaderWithCompactedLog();
        FollowerNeedsSnapshot(leader);

        var chunks = FollowerNeedsSnapshot(leader, 5);

        Assert.Equal([0L, 4L], chunks.Select(m => m.Offset));
        Assert.Equal(1, snapshotter.Captures);
    }

    [Fact]
    public void WithoutASnapshotterTheFollowerStaysInProbe()
    {
        var storage = new MemoryRaftLogStorage(new HardState(2, RaftNode.None, 12), new SnapshotMetadata(10, 2, [1, 2, 3]),
            [new Entry(2, 11, EntryType.Normal, []), new Entry(2, 12, EntryType.Normal, [])]);
        var leader = new Replica(Config(1, 3), storage);
        leader.Drain();
        ElectLeader(leader);
        leader.Drain();

        leader.Step(Reject(2, leader.Node.Term, 12, 0));
        var sent = leader.Drain();

        Assert.Empty(sent.To(2, MessageType.Snapshot));
        Assert.Equal(ProgressState.Probe, ProgressOf(leader, 2).State);
    }
}
