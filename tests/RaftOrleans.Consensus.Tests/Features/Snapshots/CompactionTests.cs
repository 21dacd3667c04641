using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features.Snapshots;

/// <summary>Compaction in <see cref="MemoryRaftLogStorage"/> (etcd storage.go's dummy entry) and the
/// <see cref="CompactionPolicy"/> rule the driver follows.</summary>
public sealed class CompactionTests
{
    [Fact]
    public void CompactionDropsEntriesButKeepsTheTermOfTheCompactionPoint()
    {
        var storage = Storage(3, 1, 1, 2, 2, 3);

        storage.Compact(3);

        Assert.Equal((4L, 5L), (storage.FirstIndex(), storage.LastIndex()));
        Assert.Equal(2, storage.Term(3)); // the dummy entry
        Assert.Equal([2L, 3L], storage.AllEntries().Select(e => e.Term));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Term(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Entries(3, 5, long.MaxValue));
        Assert.Equal([4L, 5L], storage.Entries(4, 6, long.MaxValue).Select(e => e.Index));
    }

    [Fact]
    public void CompactingToTheLastIndexLeavesAnEmptyLogThatStillAnswersItsTerm()
    {
        var storage = Storage(3, 1, 2);

        storage.Compact(2);
        storage.Append([new Entry(3, 3, EntryType.Normal, [])]);

        Assert.Equal((3L, 3L, 2L), (storage.FirstIndex(), storage.LastIndex(), storage.Term(2)));
    }

    [Fact]
    public void CompactingBeyondTheLastIndexThrowsAndAnOlderPointIsIgnored()
    {
        var storage = Storage(3, 1, 2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Compact(4));

        storage.Compact(2);
        storage.Compact(1);

        Assert.Equal(3, storage.FirstIndex());
    }

    [Fact]
    public void AnAppendCannotReachBelowTheCompactionPoint()
    {
        var storage = Storage(3, 1, 2, 2);
        storage.Compact(2);

        Assert.Throws<ArgumentException>(() => storage.Append([new Entry(3, 2, EntryType.Normal, [])]));
    }

    [Fact]
    public void TheLoadingConstructorRestoresTheCompactionPointAndTheTail()
    {
        var storage = new MemoryRaftLogStorage(new HardState(4, 2, 9), new SnapshotMetadata(8, 3, [1, 2, 3]),
            [new Entry(4, 9, EntryType.Normal, []), new Entry(4, 10, EntryType.Normal, [])]);

        Assert.Equal((9L, 10L, 3L, 4L), (storage.FirstIndex(), storage.LastIndex(), storage.Term(8), storage.Term(10)));
        Assert.Equal(new SnapshotMetadata(8, 3, [1, 2, 3]), storage.Snapshot);
        Assert.Throws<ArgumentException>(() => new MemoryRaftLogStorage(HardState.Empty, new SnapshotMetadata(8, 3, []),
            [new Entry(4, 10, EntryType.Normal, [])]));
    }

    [Fact]
    public void ANodeRestartsFromACompactedLogAndAppliesOnlyTheTail()
    {
        var storage = new MemoryRaftLogStorage(new HardState(4, 2, 10), new SnapshotMetadata(8, 3, [1, 2, 3]),
            [new Entry(4, 9, EntryType.Normal, []), new Entry(4, 10, EntryType.Normal, [])]);
        var node = new RaftNode(Config(1, 3), storage, new Random(1), appliedIndex: 8);

        var ready = node.GetReady();

        Assert.Equal([9L, 10L], ready.CommittedEntries.Select(e => e.Index));
        Assert.Equal((9L, 10L), (node.Status().FirstIndex, node.Status().LastIndex));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RaftNode(Config(1, 3), storage, new Random(1), appliedIndex: 7));
    }

    [Fact]
    public void ApplySnapshotKeepsTheSuffixAfterAMatchingEntryAndRaisesTheCommit()
    {
        var storage = Storage(3, 1, 1, 2, 2);

        storage.ApplySnapshot(new SnapshotMetadata(2, 1, [1, 2, 3]));

        Assert.Equal((3L, 4L, 1L, 2L), (storage.FirstIndex(), storage.LastIndex(), storage.Term(2), storage.HardState.Commit));
    }

    [Fact]
    public void ApplySnapshotDiscardsTheWholeLogAfterAMismatchOrBeyondIt()
    {
        var mismatch = Storage(3, 1, 1, 2, 2);
        mismatch.ApplySnapshot(new SnapshotMetadata(3, 3, [1, 2, 3]));
        Assert.Equal((4L, 3L, 3L), (mismatch.FirstIndex(), mismatch.LastIndex(), mismatch.Term(3)));

        var beyond = Storage(3, 1, 1);
        beyond.ApplySnapshot(new SnapshotMetadata(7, 3, [1, 2, 3]));
        Assert.Equal((8L, 7L, 7L), (beyond.FirstIndex(), beyond.LastIndex(), beyond.HardState.Commit));
    }

    [Theory]
    // durable snapshot, applied, last, trailing, first -> compact to
    [InlineData(100, 100, 120, 0, 1, 100L)]
    [InlineData(100, 100, 120, 30, 1, 90L)]     // keep 30 entries behind the last index
    [InlineData(100, 80, 120, 0, 1, 80L)]       // never past applied
    [InlineData(60, 100, 120, 0, 1, 60L)]       // never past the durable snapshot
    [InlineData(100, 100, 120, 0, 101, null)]   // already compacted there
    [InlineData(100, 100, 120, 200, 1, null)]   // the tail wants everything
    [InlineData(0, 100, 120, 0, 1, null)]       // no snapshot yet
    public void CompactionPolicyNeverPassesTheDurableSnapshotOrTheAppliedIndex(long durable, long applied, long last, int trailing, long first, long? expected)
    {
        Assert.Equal(expected, CompactionPolicy.CompactTo(durable, applied, last, trailing, first));
    }

    [Fact]
    public void CompactionPolicyRejectsANegativeTail()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactionPolicy.CompactTo(1, 1, 1, -1, 1));
    }
}
