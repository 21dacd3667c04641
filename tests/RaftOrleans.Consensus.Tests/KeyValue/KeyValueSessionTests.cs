using RaftOrleans.KeyValue;
using Xunit;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>Client sessions: at-most-once application of retried commands (Raft thesis §6.3).</summary>
public sealed class KeyValueSessionTests
{
    [Fact]
    public void A_retried_command_returns_the_first_result_without_applying_again()
    {
        var machine = new KeyValueStateMachine();
        Assert.Equal(new KvResult(KvStatus.Ok, "a", 1), machine.Next(Put("k", "a", client: 1, sequence: 1)));
        machine.Next(Put("k", "b"));

        // The retry of (client 1, seq 1) arrives after someone else wrote "b": it must not undo that.
        Assert.Equal(new KvResult(KvStatus.Ok, "a", 1), machine.Next(Put("k", "a", client: 1, sequence: 1)));
        Assert.Equal(new KvResult(KvStatus.Ok, "b", 2) { CreateRevision = 1, Version = 2 }, machine.Get("k"));
        Assert.Equal(3, machine.AppliedIndex);
        Assert.Equal(2, machine.Revision);
    }

    [Fact]
    public void A_retried_delete_returns_its_first_result_not_NotFound()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "v"));

        Assert.Equal(new KvResult(KvStatus.Ok, "v", 2), machine.Next(Delete("k", client: 4, sequence: 1)));
        Assert.Equal(new KvResult(KvStatus.Ok, "v", 2), machine.Next(Delete("k", client: 4, sequence: 1)));
    }

    [Fact]
    public void Sessions_of_different_clients_are_independent()
    {
        var machine = new KeyValueStateMachine();

        machine.Next(Put("k", "a", client: 1, sequence: 1));
        Assert.Equal(new KvResult(KvStatus.Ok, "b", 2), machine.Next(Put("k", "b", client: 2, sequence: 1)));
        Assert.Equal(2, machine.SessionCount);
    }

    [Fact]
    public void A_sequence_below_the_acknowledged_one_is_a_stale_retry()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "a", client: 1, sequence: 1));
        machine.Next(Put("k", "b", client: 1, sequence: 2, acked: 2));

        KvResult stale = machine.Next(Put("k", "a", client: 1, sequence: 1));

        Assert.Equal(KvResult.BadInput("stale retry: client 1 sequence 1 is below its acknowledged sequence 2"), stale);
        Assert.Equal(new KvResult(KvStatus.Ok, "b", 2) { CreateRevision = 1, Version = 2 }, machine.Get("k"));
    }

    [Fact]
    public void Results_at_or_above_acked_below_are_kept()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "a", client: 1, sequence: 1));
        machine.Next(Put("k", "b", client: 1, sequence: 2));
        machine.Next(Put("k", "c", client: 1, sequence: 3, acked: 2));

        Assert.Equal(new KvResult(KvStatus.Ok, "b", 2), machine.Next(Put("k", "b", client: 1, sequence: 2)));
        Assert.Equal(new KvResult(KvStatus.Ok, "c", 3), machine.Next(Put("k", "c", client: 1, sequence: 3)));
        Assert.Equal(KvStatus.BadInput, machine.Next(Put("k", "a", client: 1, sequence: 1)).Status);
    }

    [Fact]
    public void Acked_below_never_moves_backwards()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "a", client: 1, sequence: 3, acked: 3));
        machine.Next(Put("k", "b", client: 1, sequence: 4, acked: 1));

        Assert.Equal(KvStatus.BadInput, machine.Next(Put("k", "x", client: 1, sequence: 2)).Status);
    }

    [Fact]
    public void An_invalid_command_in_a_session_changes_nothing_and_is_not_cached()
    {
        var machine = new KeyValueStateMachine();
        byte[] invalid = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "", Value = "v", ClientId = 1, Sequence = 1 });

        Assert.Equal(KvStatus.BadInput, machine.Next(invalid).Status);
        Assert.Equal(0, machine.SessionCount);
        // The invalid command took log index 1 but no store revision.
        Assert.Equal(new KvResult(KvStatus.Ok, "v", 1), machine.Next(Put("k", "v", client: 1, sequence: 1)));
    }

    [Fact]
    public void Commands_without_a_session_are_never_deduplicated()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "a"));

        Assert.Equal(new KvResult(KvStatus.Ok, "a", 2), machine.Next(Put("k", "a")));
        Assert.Equal(0, machine.SessionCount);
    }

    [Fact]
    public void Beyond_the_limit_the_session_idle_longest_is_evicted()
    {
        var machine = new KeyValueStateMachine(maxSessions: 2);
        machine.Next(Put("k", "1", client: 1, sequence: 1));   // index 1
        machine.Next(Put("k", "2", client: 2, sequence: 1));   // index 2
        machine.Next(Put("k", "1b", client: 1, sequence: 2));  // index 3: client 1 active again, client 2 now idlest

        machine.Next(Put("k", "3", client: 3, sequence: 1));   // index 4: evicts client 2

        Assert.Equal(2, machine.SessionCount);
        // Client 1's session survived: its retry is still deduplicated.
        Assert.Equal(new KvResult(KvStatus.Ok, "1b", 3), machine.Next(Put("k", "1b", client: 1, sequence: 2)));
        // Client 2's session is gone: the same retry now applies afresh (the price of eviction).
        // (The deduplicated retry took log index 5 but no store revision: the next write is revision 5.)
        Assert.Equal(new KvResult(KvStatus.Ok, "2", 5), machine.Next(Put("k", "2", client: 2, sequence: 1)));
    }

    [Fact]
    public void A_deduplicated_retry_counts_as_activity_for_eviction()
    {
        var machine = new KeyValueStateMachine(maxSessions: 2);
        machine.Next(Put("k", "1", client: 1, sequence: 1));   // index 1
        machine.Next(Put("k", "2", client: 2, sequence: 1));   // index 2
        machine.Next(Put("k", "1", client: 1, sequence: 1));   // index 3: retry, client 1 touched

        machine.Next(Put("k", "3", client: 3, sequence: 1));   // index 4: evicts client 2, not 1

        Assert.Equal(new KvResult(KvStatus.Ok, "1", 1), machine.Next(Put("k", "1", client: 1, sequence: 1)));
    }

    [Fact]
    public void Eviction_is_the_same_on_every_replica()
    {
        var first = new KeyValueStateMachine(maxSessions: 3);
        var second = new KeyValueStateMachine(maxSessions: 3);
        var random = new Random(5);
        for (int i = 0; i < 500; i++)
        {
            byte[] command = Put($"k{random.Next(4)}", $"v{i}", client: random.Next(1, 8), sequence: i + 1);
            Assert.Equal(first.Next(command), second.Next(command));
        }

        Assert.Equal(3, first.SessionCount);
        Assert.Equal(first.Snapshot(), second.Snapshot());
    }
}
