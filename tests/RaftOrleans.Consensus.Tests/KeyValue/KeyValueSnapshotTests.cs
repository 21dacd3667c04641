using RaftOrleans.KeyValue;
using Xunit;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

public sealed class KeyValueSnapshotTests
{
    [Fact]
    public void Restore_gives_back_data_sessions_and_applied_index()
    {
        KeyValueStateMachine original = Populated(maxSessions: 5);

        KeyValueStateMachine restored = KeyValueStateMachine.Restore(original.Snapshot());

        Assert.Equal(original.AppliedIndex, restored.AppliedIndex);
        Assert.Equal(original.Items(), restored.Items());
        Assert.Equal(original.SessionCount, restored.SessionCount);
        Assert.Equal(5, restored.MaxSessions);
        Assert.Equal(original.Fingerprint(), restored.Fingerprint());
        Assert.Equal(original.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void A_restored_machine_still_deduplicates_and_evicts_like_the_original()
    {
        KeyValueStateMachine original = Populated(maxSessions: 2);
        KeyValueStateMachine restored = KeyValueStateMachine.Restore(original.Snapshot());

        byte[][] next =
        [
            Put("k", "retry", client: 2, sequence: 2),   // cached in client 2's session
            Put("k", "new", client: 9, sequence: 1),     // evicts the idlest session
            Put("k", "again", client: 1, sequence: 1),
            Delete("a"),
        ];
        foreach (byte[] command in next)
            Assert.Equal(original.Next(command), restored.Next(command));
        Assert.Equal(original.Fingerprint(), restored.Fingerprint());
    }

    [Fact]
    public void Fingerprint_is_equal_for_equal_histories_and_differs_otherwise()
    {
        KeyValueStateMachine a = Populated(maxSessions: 5);
        KeyValueStateMachine b = Populated(maxSessions: 5);
        Assert.Equal(a.Fingerprint(), b.Fingerprint());

        b.Next(Put("a", "changed"));
        Assert.NotEqual(a.Fingerprint(), b.Fingerprint());
        a.Next(Put("a", "changed"));
        Assert.Equal(a.Fingerprint(), b.Fingerprint());

        // The applied index is part of the state: a no-op moves it.
        a.ApplyNoop(a.AppliedIndex + 1);
        Assert.NotEqual(a.Fingerprint(), b.Fingerprint());
    }

    [Fact]
    public void Fingerprint_does_not_depend_on_insertion_order()
    {
        // a's dictionary holds y before x (x was deleted and created again); a restored copy inserts in key order.
        var a = new KeyValueStateMachine();
        a.Apply(1, Put("x", "1"));
        a.Apply(2, Put("y", "2"));
        a.Apply(3, Delete("x"));
        a.Apply(4, Put("x", "3"));
        var b = KeyValueStateMachine.Restore(a.Snapshot());

        Assert.Equal(a.Fingerprint(), b.Fingerprint());
        Assert.Equal(a.Items(), b.Items());
    }

    [Fact]
    public void Fingerprint_covers_sessions()
    {
        var a = new KeyValueStateMachine();
        a.Next(Put("k", "v", client: 1, sequence: 1));
        var b = new KeyValueStateMachine();
        b.Next(Put("k", "v", client: 2, sequence: 1));

        Assert.Equal(a.Items(), b.Items());
        Assert.NotEqual(a.Fingerprint(), b.Fingerprint());
    }

    [Fact]
    public void Every_truncated_snapshot_is_rejected()
    {
        byte[] good = Populated(maxSessions: 5).Snapshot();

        for (int length = 0; length < good.Length; length++)
            Assert.Throws<InvalidDataException>(() => KeyValueStateMachine.Restore(good[..length]));
    }

    [Fact]
    public void Bit_flipped_snapshots_restore_or_fail_only_with_InvalidDataException()
    {
        byte[] good = Populated(maxSessions: 5).Snapshot();
        var random = new Random(3);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bad = (byte[])good.Clone();
            bad[random.Next(bad.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                KeyValueStateMachine.Restore(bad);
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }
        // A flip inside a string's text may still be valid data; flips in structure must be caught.
        Assert.InRange(rejected, 1_000, 19_999);
    }

    [Fact]
    public void Empty_snapshot_names_the_problem()
    {
        var thrown = Assert.Throws<InvalidDataException>(() => KeyValueStateMachine.Restore([]));
        Assert.Equal("Not a valid key-value snapshot: it is empty.", thrown.Message);
    }

    private static KeyValueStateMachine Populated(int maxSessions)
    {
        var machine = new KeyValueStateMachine(maxSessions);
        machine.Next(Put("a", "1"));
        machine.ApplyNoop(2);
        machine.Next(Put("b", "ß/😀", client: 1, sequence: 1));
        machine.Next(Put("c", "3", client: 2, sequence: 1));
        machine.Next(Put("c", "4", client: 2, sequence: 2, acked: 2));
        machine.Next(CasValue("b", "wrong", "x"));
        machine.Next([1, 77]);
        machine.Next(Delete("a", client: 3, sequence: 1));
        return machine;
    }
}
