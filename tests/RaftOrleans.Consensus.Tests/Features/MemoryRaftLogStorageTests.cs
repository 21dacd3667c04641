using RaftOrleans.Consensus;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>The in-memory storage honours the <see cref="IRaftLogStorage"/> contract.</summary>
public sealed class MemoryRaftLogStorageTests
{
    [Fact]
    public void AppendReplacesEverythingFromTheFirstNewIndex()
    {
        var s = Storage(2, 1, 1, 2, 2);

        s.Append([new Entry(3, 3, EntryType.Normal, [])]);

        Assert.Equal([1L, 1L, 3L], s.AllEntries().Select(e => e.Term));
        Assert.Equal(3, s.LastIndex());
    }

    [Fact]
    public void AppendLeavingAGapIsRejected()
    {
        var s = Storage(1, 1);
        Assert.Throws<ArgumentException>(() => s.Append([new Entry(1, 3, EntryType.Normal, [])]));
    }

    [Fact]
    public void EntriesStopAtTheByteLimitButReturnAtLeastOne()
    {
        var s = new MemoryRaftLogStorage();
        s.Append(Enumerable.Range(1, 5).Select(i => new Entry(1, i, EntryType.Normal, new byte[76])).ToArray()); // Size 100 each

        Assert.Single(s.Entries(1, 6, 50));
        Assert.Equal(2, s.Entries(1, 6, 250).Count);
        Assert.Equal(5, s.Entries(1, 6, long.MaxValue).Count);
        Assert.Equal([2L, 3L], s.Entries(2, 4, long.MaxValue).Select(e => e.Index));
    }

    [Fact]
    public void TermAnswersFromZeroToLastAndThrowsOutside()
    {
        var s = Storage(1, 1, 2);
        Assert.Equal(0, s.Term(0));
        Assert.Equal(2, s.Term(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Term(3));
    }

    [Fact]
    public void HardStateWithCommitBeyondTheLogIsRejected()
    {
        var s = Storage(1, 1);
        Assert.Throws<ArgumentException>(() => s.SetHardState(new HardState(1, 0, 2)));
    }
}
