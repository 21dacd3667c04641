using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features.Snapshots;

/// <summary>
/// The follower's side of InstallSnapshot (paper §7 and Figure 13, thesis §5.3): chunks in order, acks with the
/// next offset expected, install only a snapshot newer than the log, keep the entries that follow a matching
/// snapshot entry and discard the rest, answer with the current term.
/// </summary>
public sealed class SnapshotReceiverTests
{
    private static Message Chunk(long term, long index, long logTerm, byte[] image, int offset, int length) => new()
    {
        Type = MessageType.Snapshot, From = 1, To = 2, Term = term, Index = index, LogTerm = logTerm, Voters = [1, 2, 3],
        Offset = offset, Data = image.AsMemory(offset, length), Done = offset + length == image.Length, TotalBytes = image.Length,
    };

    private static Message[] Chunks(long term, long index, long logTerm, byte[] image, int chunk)
    {
        var result = new List<Message>();
        for (var offset = 0; offset < image.Length; offset += chunk) result.Add(Chunk(term, index, logTerm, image, offset, Math.Min(chunk, image.Length - offset)));
        return result.ToArray();
    }

    [Fact]
    public void Paper7_AFollowerInstallsASnapshotNewerThanItsLogAndDiscardsTheLog()
    {
        // Follower log: terms 1,1,2,2,2; the snapshot ends at (4, term 3): the entry at 4 differs, so all goes.
        var follower = Replica(Config(2, 3), 3, 1, 1, 2, 2, 2);
        var image = TestSnapshotter.ImageAt(4, 10);

        follower.Step(Chunks(3, 4, 3, image, 10));
        var sent = follower.Drain();

        var installed = Assert.Single(follower.Installed);
        Assert.Equal(new SnapshotMetadata(4, 3, [1, 2, 3]), installed.Metadata);
        Assert.Equal(image, installed.Data.ToArray());
        Assert.Equal((5L, 4L), (follower.Storage.FirstIndex(), follower.Storage.LastIndex()));
        Assert.Equal(3, follower.Storage.Term(4));
        Assert.Equal(4, follower.Storage.HardState.Commit);
        var status = follower.Node.Status();
        Assert.Equal((4L, 4L, 4L, 5L), (status.Commit, status.Applied, status.LastIndex, status.FirstIndex));
        var ack = Assert.Single(sent.To(1, MessageType.SnapshotResponse));
        Assert.Equal((3L, 4L, true, 10L), (ack.Term, ack.Index, ack.Done, ack.Offset));
    }

    [Fact]
    public void Paper7_EntriesFollowingAMatchingSnapshotEntryAreKept()
    {
        // Follower log: terms 1,1,1,2,2; the snapshot ends at (3, term 1), which the follower holds.
        var follower = Replica(Config(2, 3), 2, 1, 1, 1, 2, 2);

        follower.Step(Chunks(2, 3, 1, TestSnapshotter.ImageAt(3, 4), 4));
        follower.Drain();

        Assert.Single(follower.Installed);
        Assert.Equal((4L, 5L), (follower.Storage.FirstIndex(), follower.Storage.LastIndex()));
        Assert.Equal([(4L, 2L), (5L, 2L)], follower.LogTerms());
        Assert.Equal(1, follower.Storage.Term(3));
        Assert.Equal((3L, 5L), (follower.Node.Status().Commit, follower.Node.Status().LastIndex));
    }

    [Fact]
    public void Thesis5_ASnapshotNotNewerThanTheCommitIndexIsNotInstalledButAcknowledged()
    {
        var follower = Replica(Config(2, 3), 2, 1, 1, 2, 2, 2);
        follower.Step(Append(1, 2, 2, 5, 2, 5));
        follower.Drain();
        Assert.Equal(5, follower.Node.Status().Commit);

        follower.Step(Chunks(2, 4, 2, TestSnapshotter.ImageAt(4, 6), 3)[0]);
        var sent = follower.Drain();

        Assert.Empty(follower.Installed);
        Assert.Equal((1L, 5L), (follower.Storage.FirstIndex(), follower.Storage.LastIndex()));
        var ack = Assert.Single(sent.To(1, MessageType.SnapshotResponse));
        Assert.Equal((2L, 4L, true), (ack.Term, ack.Index, ack.Done));
    }

    [Fact]
    public void Figure13_ASnapshotFromAStaleTermIsAnsweredWithTheCurrentTerm()
    {
        var follower = Replica(Config(2, 3), 5, 1, 1);

        follower.Step(Chunks(3, 2, 1, TestSnapshotter.ImageAt(2, 4), 4));
        var sent = follower.Drain();

        Assert.Empty(follower.Installed);
        var reply = Assert.Single(sent.To(1, MessageType.SnapshotResponse));
        Assert.Equal((5L, true, false), (reply.Term, reply.Reject, reply.Done));
        Assert.Equal(5, follower.Node.Term);
    }

    [Fact]
    public void EachChunkIsAcknowledgedWithTheNextOffsetExpected()
    {
        var follower = Replica(Config(2, 3), 2, 1);
        var chunks = Chunks(2, 7, 2, TestSnapshotter.ImageAt(7, 10), 4); // offsets 0, 4, 8

        follower.Step(chunks[0]);
        Assert.Equal([4L], follower.Drain().To(1, MessageType.SnapshotResponse).Select(m => m.Offset));
        follower.Step(chunks[1]);
        Assert.Equal([8L], follower.Drain().To(1, MessageType.SnapshotResponse).Select(m => m.Offset));
        Assert.Empty(follower.Installed);
        follower.Step(chunks[2]);
        var last = Assert.Single(follower.Drain().To(1, MessageType.SnapshotResponse));
        Assert.True(last.Done);
        Assert.Equal(7, Assert.Single(follower.Installed).Metadata.Index);
    }

    [Fact]
    public void ADuplicateOrOutOfOrderChunkIsAcknowledgedWithTheCurrentExpectedOffset()
    {
        var follower = Replica(Config(2, 3), 2, 1);
        var image = TestSnapshotter.ImageAt(7, 12);
        var chunks = Chunks(2, 7, 2, image, 4); // offsets 0, 4, 8

        follower.Step(chunks[0], chunks[2], chunks[0]); // a gap, then a duplicate
        Assert.Equal([4L, 4L, 4L], follower.Drain().To(1, MessageType.SnapshotResponse).Select(m => m.Offset));

        follower.Step(chunks[1], chunks[1], chunks[2]);
        var acks = follower.Drain().To(1, MessageType.SnapshotResponse);
        Assert.Equal([(8L, false), (8L, false), (12L, true)], acks.Select(m => (m.Offset, m.Done)));
        Assert.Equal(image, Assert.Single(follower.Installed).Data.ToArray());
    }

    [Fact]
    public void ACrashMidTransferLosesTheBufferAndTheFollowerAsksForOffsetZero()
    {
        var follower = Replica(Config(2, 3), 2, 1);
        var chunks = Chunks(2, 7, 2, TestSnapshotter.ImageAt(7, 12), 4);
        follower.Step(chunks[0], chunks[1]);
        follower.Drain();

        follower.Restart();
        follower.Step(chunks[2]);

        var ack = Assert.Single(follower.Drain().To(1, MessageType.SnapshotResponse));
        Assert.Equal((0L, false), (ack.Offset, ack.Done));
        Assert.Empty(follower.Installed);
    }

    [Fact]
    public void ANewLeadersTransferReplacesAPartialOne()
    {
        var follower = Replica(Config(2, 3), 2, 1);
        follower.Step(Chunks(2, 7, 2, TestSnapshotter.ImageAt(7, 12), 4)[0]);
        follower.Drain();

        // Leader 3 of term 3 starts over from offset 0 with its own image.
        var image = TestSnapshotter.ImageAt(9, 6);
        follower.Step(Chunks(3, 9, 3, image, 6).Select(m => m with { From = 3 }).ToArray());
        var ack = Assert.Single(follower.Drain().To(3, MessageType.SnapshotResponse));

        Assert.True(ack.Done);
        var installed = Assert.Single(follower.Installed);
        Assert.Equal((9L, 3L), (installed.Metadata.Index, installed.Metadata.Term));
        Assert.Equal(image, installed.Data.ToArray());
    }

    [Fact]
    public void ReadyContract_TheSnapshotComesBeforeItsEntriesAndTheFinalAckMayNotPrecedeThePersist()
    {
        var follower = Replica(Config(2, 3), 2, 1);
        follower.Step(Chunks(2, 7, 2, TestSnapshotter.ImageAt(7, 4), 4));
        // Entries after the snapshot arrive before the driver took the Ready.
        follower.Step(Append(1, 2, 2, 7, 2, 8, new Entry(2, 8, EntryType.Normal, [1])));

        var ready = follower.Node.GetReady();

        Assert.NotNull(ready.Snapshot);
        Assert.False(ready.IsEmpty);
        Assert.Equal([8L], ready.Entries.Select(e => e.Index));
        Assert.Equal([8L], ready.CommittedEntries.Select(e => e.Index)); // they start right after the snapshot
        var finalAck = ready.Messages.Single(m => m.Type == MessageType.SnapshotResponse);
        Assert.True(finalAck.Done);
        Assert.False(ready.MayPrecedePersist(finalAck));
        Assert.Equal(new HardState(2, RaftNode.None, 8), ready.HardState);

        follower.Storage.ApplySnapshot(ready.Snapshot.Metadata);
        follower.Storage.Append(ready.Entries);
        follower.Storage.SetHardState(ready.HardState!.Value);
        follower.Node.Advance(ready);
        Assert.Equal(8, follower.Node.Status().Applied);
        Assert.False(follower.Node.HasReady());
    }

    [Fact]
    public void ReadyContract_AfterAdvanceTheAppliedIndexIsTheSnapshotIndex()
    {
        var follower = Replica(Config(2, 3), 2, 1);
        follower.Step(Chunks(2, 7, 2, TestSnapshotter.ImageAt(7, 4), 4));
        var ready = follower.Node.GetReady();
        Assert.Empty(ready.CommittedEntries);
        follower.Storage.ApplySnapshot(ready.Snapshot!.Metadata);
        follower.Storage.SetHardState(ready.HardState!.Value);

        follower.Node.Advance(ready);

        Assert.Equal((7L, 7L), (follower.Node.Status().Applied, follower.Node.Status().Commit));
    }

    [Fact]
    public void AChunkWithAnImpossibleSizeIsDroppedLikeALostPacket()
    {
        var follower = Replica(Config(2, 3), 2, 1);

        follower.Step(Chunk(2, 7, 2, [1, 2], 0, 2) with { TotalBytes = -1 });

        Assert.Empty(follower.Drain().To(1, MessageType.SnapshotResponse));
        Assert.Empty(follower.Installed);
    }
}
