using RaftOrleans.KeyValue;
using Xunit;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

public sealed class KeyValueStateMachineTests
{
    [Fact]
    public void A_new_store_is_empty()
    {
        var machine = new KeyValueStateMachine();

        Assert.Equal(0, machine.AppliedIndex);
        Assert.Equal(0, machine.Count);
        Assert.Equal(KvResult.NotFound, machine.Get("k"));
        Assert.Empty(machine.Items());
    }

    [Fact]
    public void Put_takes_the_next_store_revision_and_a_no_op_entry_takes_none()
    {
        var machine = new KeyValueStateMachine();
        machine.ApplyNoop(1);

        Assert.Equal(new KvResult(KvStatus.Ok, "v1", 1), machine.Apply(2, Put("k", "v1")));
        Assert.Equal(new KvResult(KvStatus.Ok, "v1", 1) { CreateRevision = 1, Version = 1 }, machine.Get("k"));
        Assert.Equal(new KvResult(KvStatus.Ok, "v2", 2), machine.Apply(3, Put("k", "v2")));
        Assert.Equal(new KvResult(KvStatus.Ok, "v2", 2) { CreateRevision = 1, Version = 2 }, machine.Get("k"));
        Assert.Equal(3, machine.AppliedIndex);
        Assert.Equal(2, machine.Revision);
    }

    [Fact]
    public void Delete_of_a_present_key_returns_the_deleted_value_and_removes_it()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "v"));

        Assert.Equal(new KvResult(KvStatus.Ok, "v", 2), machine.Next(Delete("k")));
        Assert.Equal(KvResult.NotFound, machine.Get("k"));
        Assert.Equal(0, machine.Count);
    }

    [Fact]
    public void Delete_of_an_absent_key_is_NotFound()
    {
        var machine = new KeyValueStateMachine();

        Assert.Equal(KvResult.NotFound, machine.Next(Delete("k")));
        Assert.Equal(1, machine.AppliedIndex);
    }

    [Fact]
    public void Cas_on_value_swaps_only_when_the_value_matches()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "a"));

        Assert.Equal(new KvResult(KvStatus.CasConflict, "a", 1), machine.Next(CasValue("k", "b", "c")));
        // The failed swap changed nothing, so it took no revision.
        Assert.Equal(new KvResult(KvStatus.Ok, "c", 2), machine.Next(CasValue("k", "a", "c")));
        Assert.Equal(new KvResult(KvStatus.Ok, "c", 2) { CreateRevision = 1, Version = 2 }, machine.Get("k"));
    }

    [Fact]
    public void Cas_on_revision_swaps_only_when_the_revision_matches()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "a"));
        machine.Next(Put("other", "x"));

        Assert.Equal(new KvResult(KvStatus.CasConflict, "a", 1), machine.Next(CasRevision("k", 2, "b")));
        Assert.Equal(new KvResult(KvStatus.Ok, "b", 3), machine.Next(CasRevision("k", 1, "b")));
        Assert.Equal(new KvResult(KvStatus.CasConflict, "b", 3), machine.Next(CasRevision("k", 1, "c")));
    }

    [Fact]
    public void Cas_must_not_exist_creates_only_an_absent_key()
    {
        var machine = new KeyValueStateMachine();

        Assert.Equal(new KvResult(KvStatus.Ok, "lock-owner-1", 1), machine.Next(CasAbsent("lock", "lock-owner-1")));
        Assert.Equal(new KvResult(KvStatus.CasConflict, "lock-owner-1", 1), machine.Next(CasAbsent("lock", "lock-owner-2")));
        Assert.Equal(new KvResult(KvStatus.Ok, "lock-owner-1", 1) { CreateRevision = 1, Version = 1 }, machine.Get("lock"));
    }

    [Fact]
    public void Cas_on_an_absent_key_conflicts_with_no_value_and_revision_zero()
    {
        var machine = new KeyValueStateMachine();

        Assert.Equal(new KvResult(KvStatus.CasConflict, null, 0), machine.Next(CasValue("k", "a", "b")));
        Assert.Equal(new KvResult(KvStatus.CasConflict, null, 0), machine.Next(CasRevision("k", 1, "b")));
        Assert.Equal(0, machine.Count);
    }

    [Fact]
    public void Malformed_command_applies_as_BadInput_and_changes_nothing_but_the_index()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("k", "v"));

        KvResult result = machine.Next([1, 9, 0, 0]);

        Assert.Equal(KvResult.BadInput("malformed command: unknown operation 9"), result);
        Assert.Equal(2, machine.AppliedIndex);
        Assert.Equal([("k", "v", 1L)], machine.Items());
    }

    [Fact]
    public void Invalid_command_applies_as_BadInput_with_the_validation_message()
    {
        var machine = new KeyValueStateMachine();
        byte[] casWithoutCondition = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Cas, Key = "k", Value = "v" });

        KvResult result = machine.Next(casWithoutCondition);

        Assert.Equal(KvStatus.BadInput, result.Status);
        Assert.Equal("Cas needs exactly one condition (ExpectedValue, ExpectedRevision or MustNotExist); it has none", result.Message);
        Assert.Equal(0, machine.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Apply_out_of_order_throws(long index)
    {
        var machine = new KeyValueStateMachine();
        machine.ApplyNoop(1);

        var thrown = Assert.Throws<InvalidOperationException>(() => machine.Apply(index, Put("k", "v")));
        Assert.Contains("the next index to apply is 2", thrown.Message);
        Assert.Throws<InvalidOperationException>(() => machine.ApplyNoop(3));
        Assert.Equal(1, machine.AppliedIndex);
    }

    [Fact]
    public void Items_lists_keys_in_ordinal_order()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("b", "2"));
        machine.Next(Put("a", "1"));
        machine.Next(Put("B", "3"));

        Assert.Equal([("B", "3", 3L), ("a", "1", 2L), ("b", "2", 1L)], machine.Items());
        Assert.Equal(3, machine.Count);
    }

    [Fact]
    public void Constructor_rejects_a_session_limit_below_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyValueStateMachine(0));
    }
}
