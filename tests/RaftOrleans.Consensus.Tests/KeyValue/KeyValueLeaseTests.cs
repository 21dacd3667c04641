using RaftOrleans.KeyValue;
using Xunit;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>Leases in the state machine: grant, attach, revoke, and the snapshot formats.</summary>
public sealed class KeyValueLeaseTests
{
    private static byte[] Grant(long ttl, long id = 0) => KvCommandCodec.Encode(new KvCommand { Op = KvOp.LeaseGrant, Key = "", Lease = id, Ttl = ttl });

    private static byte[] Revoke(long id) => KvCommandCodec.Encode(new KvCommand { Op = KvOp.LeaseRevoke, Key = "", Lease = id });

    private static byte[] PutWith(string key, string value, long lease) => KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = key, Value = value, Lease = lease });

    [Fact]
    public void Revoking_a_lease_deletes_its_keys_at_one_revision_and_a_put_without_it_detaches_a_key()
    {
        var machine = new KeyValueStateMachine();
        KvResult granted = machine.Next(Grant(30));
        Assert.Equal((KvStatus.Ok, 1L, 30L, 0L), (granted.Status, granted.Lease, granted.Ttl, machine.Revision));
        machine.Next(PutWith("lock/a", "me", 1));
        machine.Next(PutWith("lock/b", "me", 1));
        machine.Next(PutWith("lock/c", "me", 1));
        machine.Next(Put("lock/c", "kept")); // no lease: detached
        Assert.Equal(["lock/a", "lock/b"], machine.Lease(1)!.Value.Keys);

        KvResult revoked = machine.Next(Revoke(1));
        Assert.Equal((KvStatus.Ok, 2L, 5L), (revoked.Status, revoked.Count, revoked.Revision));
        Assert.Equal(KvStatus.NotFound, machine.Get("lock/a").Status);
        Assert.Equal("kept", machine.Get("lock/c").Value);
        Assert.False(machine.HasLease(1));
        Assert.Equal(KvStatus.NotFound, machine.Next(Revoke(1)).Status);
        Assert.Equal("lease 1 not found", machine.Next(PutWith("x", "y", 1)).Message);
    }

    [Fact]
    public void An_explicit_id_must_be_free_and_automatic_ids_skip_taken_ones()
    {
        var machine = new KeyValueStateMachine();
        Assert.Equal(2, machine.Next(Grant(10, id: 2)).Lease);
        Assert.Equal("lease 2 already exists", machine.Next(Grant(10, id: 2)).Message);
        Assert.Equal(1, machine.Next(Grant(10)).Lease);
        Assert.Equal(3, machine.Next(Grant(10)).Lease);
    }

    [Fact]
    public void Leases_and_their_keys_survive_a_snapshot_and_base_plus_delta_parts()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Grant(10));
        machine.Next(PutWith("a", "1", 1));
        var parts = new List<byte[]>(machine.BaseParts(64));
        machine.Next(Grant(20));
        machine.Next(PutWith("b", "2", 2));
        machine.Next(PutWith("a", "1", 2)); // moves from lease 1 to lease 2
        parts.AddRange(machine.TakeChanges(64));

        foreach (var copy in new[] { KeyValueStateMachine.Restore(machine.Snapshot()), KeyValueStateMachine.RestoreParts(parts) })
        {
            Assert.Equal(machine.Fingerprint(), copy.Fingerprint());
            Assert.Equal([(1L, 10L), (2L, 20L)], copy.Leases());
            Assert.Empty(copy.Lease(1)!.Value.Keys);
            Assert.Equal(["a", "b"], copy.Lease(2)!.Value.Keys);
            Assert.Equal(2, copy.Next(Revoke(2)).Count);
            Assert.Equal(3, copy.Next(Grant(5)).Lease);
        }
    }
}
