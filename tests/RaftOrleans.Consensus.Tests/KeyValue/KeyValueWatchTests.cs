using RaftOrleans.KeyValue;
using Xunit;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>Watch answers: revision boundaries, resumption, compaction and bad input.</summary>
public sealed class KeyValueWatchTests
{
    private static byte[] Txn(params KvTxnOp[] ops) => KvCommandCodec.Encode(new KvCommand { Op = KvOp.Txn, Key = "", Txn = new KvTxn { Success = ops } });

    [Fact]
    public void A_limited_answer_ends_at_a_revision_boundary_and_resuming_after_it_misses_nothing()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("w/a", "1"));                                          // revision 1
        machine.Next(Txn(KvTxnOp.Put("w/b", "2"), KvTxnOp.Put("w/c", "3")));  // revision 2: two events
        machine.Next(Put("other", "x"));                                        // revision 3: not watched
        machine.Next(Delete("w/a"));                                            // revision 4

        KvResult first = machine.Watch(KvRange.WithPrefix("w/"), fromRevision: 1, maxEvents: 2);
        // Two events asked, three given: revision 2's two events come together.
        Assert.Equal([(1L, "w/a"), (2L, "w/b"), (2L, "w/c")], first.Events!.Select(e => (e.Revision, e.Current.Key)));
        Assert.Equal(2, first.Revision);

        KvResult rest = machine.Watch(KvRange.WithPrefix("w/"), first.Revision + 1);
        KvEvent delete = Assert.Single(rest.Events!);
        Assert.Equal((4L, true, "1"), (delete.Revision, delete.IsDelete, delete.Previous!.Value.Value));
        Assert.Equal(4, rest.Revision);

        KvResult nothingYet = machine.Watch(KvRange.WithPrefix("w/"), rest.Revision + 1);
        Assert.Empty(nothingYet.Events!);
        Assert.Equal(4, nothingYet.Revision);
    }

    [Fact]
    public void A_start_older_than_the_history_is_compacted_and_names_the_oldest_start()
    {
        var machine = new KeyValueStateMachine(historyEvents: 2);
        for (int i = 0; i < 5; i++) machine.Next(Put("k", "v" + i));

        KvResult old = machine.Watch(KvRange.Single("k"), fromRevision: 1);
        Assert.Equal(KvStatus.Compacted, old.Status);
        Assert.Equal(machine.OldestReadableRevision + 1, old.Revision);
        Assert.Equal(KvStatus.Ok, machine.Watch(KvRange.Single("k"), old.Revision).Status);

        var restored = KeyValueStateMachine.Restore(machine.Snapshot());
        Assert.Equal(KvStatus.Compacted, restored.Watch(KvRange.Single("k"), machine.Revision).Status);
        Assert.Equal(KvStatus.Ok, restored.Watch(KvRange.Single("k"), machine.Revision + 1).Status);
    }

    [Fact]
    public void Bad_watches_are_refused_with_a_reason()
    {
        var machine = new KeyValueStateMachine();

        Assert.Equal("the range end 'a' sorts before its start 'b'", machine.Watch(new KvRange { Key = "b", RangeEnd = "a" }, 0).Message);
        Assert.Equal("a watch takes its start revision separately, and no limit, keys-only or count-only", machine.Watch(KvRange.WithPrefix("a") with { Limit = 2 }, 0).Message);
        Assert.Equal("a watch cannot start at revision -1", machine.Watch(KvRange.WithPrefix("a"), -1).Message);
    }
}
