using RaftOrleans.KeyValue;
using Xunit;
using Xunit.Abstractions;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>Incremental snapshots: a base plus deltas (with tombstones) rebuilds exactly the live state.</summary>
public sealed class KeyValueDeltaTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Base_plus_deltas_equals_the_live_state_for_random_histories(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var live = new KeyValueStateMachine(maxSessions: 8);
        var stored = new List<byte[]>(live.BaseParts(maxPartBytes: 256));
        int snapshots = 0;
        for (int step = 0; step < 3_000; step++)
        {
            string key = "k" + random.Next(60);
            long client = random.Next(3) == 0 ? 0 : random.Next(1, 20);
            long sequence = client == 0 ? 0 : step + 1;
            byte[] command = random.Next(4) switch
            {
                0 => Delete(key, client, sequence, acked: sequence - random.Next(3)),
                1 => CasAbsent(key, "v" + step),
                _ => Put(key, new string('x', random.Next(0, 40)) + step, client, sequence, acked: sequence - random.Next(3)),
            };
            if (random.Next(50) == 0) live.ApplyNoop(live.AppliedIndex + 1);
            else live.Next(command);

            if (random.Next(40) == 0)
            {
                stored.AddRange(live.TakeChanges(maxPartBytes: 256));
                snapshots++;
                KeyValueStateMachine restored = KeyValueStateMachine.RestoreParts(stored);
                Assert.True(live.Fingerprint() == restored.Fingerprint(), $"seed {seed}: restore after {snapshots} deltas (step {step}) differs from the live state");
                if (random.Next(5) == 0)
                {
                    // A merge: the folded state becomes the new base.
                    stored = [.. restored.BaseParts(maxPartBytes: 256)];
                }
            }
        }
        stored.AddRange(live.TakeChanges(maxPartBytes: 256));
        KeyValueStateMachine final = KeyValueStateMachine.RestoreParts(stored);
        Assert.Equal(live.Snapshot(), final.Snapshot());
        Assert.True(snapshots > 30, $"seed {seed}: only {snapshots} snapshots taken");
    }

    [Fact]
    public void Captured_changes_encode_the_state_at_capture_whatever_is_applied_after()
    {
        // The replica captures on its pump and encodes on the thread pool while it applies more:
        // the encoding must be the state at the capture, byte for byte.
        var machine = new KeyValueStateMachine();
        var twin = new KeyValueStateMachine();
        foreach (var m in new[] { machine, twin })
        {
            for (int i = 0; i < 200; i++) m.Next(Put("key" + i, "value" + i, client: 1 + i % 3, sequence: i + 1, acked: i));
            m.Next(Delete("key7", client: 2, sequence: 500, acked: 400));
        }
        StateChanges captured = machine.CaptureChanges();
        Assert.Equal(0, machine.ChangedKeyCount);
        Assert.Equal(0, machine.ChangedSessionCount);
        Assert.Equal(200, captured.KeyCount);
        Assert.Equal(201, captured.AppliedIndex);

        // After the capture: overwrite, delete, recreate, and move every session on.
        for (int i = 0; i < 200; i++) machine.Next(Put("key" + i, "later" + i, client: 1 + i % 3, sequence: 1_000 + i, acked: 1_000 + i));
        machine.Next(Delete("key8"));
        machine.Next(Put("key7", "back"));

        IReadOnlyList<byte[]> late = captured.Encode(1024);
        IReadOnlyList<byte[]> atCapture = twin.TakeChanges(1024);
        Assert.Equal(atCapture.Count, late.Count);
        for (int i = 0; i < late.Count; i++) Assert.Equal(atCapture[i], late[i]);
        Assert.Equal(twin.Fingerprint(), KeyValueStateMachine.RestoreParts(late).Fingerprint());
    }

    [Fact]
    public void A_delta_holds_only_what_changed_and_a_tombstone_for_a_delete()
    {
        var machine = new KeyValueStateMachine();
        for (int i = 0; i < 1_000; i++) machine.Next(Put("key" + i, "value" + i));
        _ = machine.TakeChanges(1 << 20);

        machine.Next(Put("key1", "new"));
        machine.Next(Delete("key2"));
        Assert.Equal(2, machine.ChangedKeyCount);
        IReadOnlyList<byte[]> delta = machine.TakeChanges(1 << 20);

        Assert.Single(delta);
        Assert.True(delta[0].Length < 40, $"a two-key delta took {delta[0].Length} bytes");
        Assert.Equal(0, machine.ChangedKeyCount);
        Assert.Equal(1_002, KeyValueStateMachine.PartAppliedIndex(delta[0]));

        var other = new KeyValueStateMachine();
        for (int i = 0; i < 3; i++) other.Next(Put("key" + i, "value" + i));
        for (int i = 3; i < 1_000; i++) other.ApplyNoop(i + 1);
        other.ApplyPart(delta[0]);
        Assert.Equal(KvStatus.NotFound, other.Get("key2").Status);
        Assert.Equal(new KvResult(KvStatus.Ok, "new", 1_001) { CreateRevision = 2, Version = 2 }, other.Get("key1"));
        Assert.Equal(1_002, other.AppliedIndex);
    }

    [Fact]
    public void A_delete_after_a_put_in_the_same_delta_leaves_a_tombstone_and_a_re_put_a_value()
    {
        var machine = new KeyValueStateMachine();
        machine.Next(Put("a", "1"));
        machine.Next(Put("b", "1"));
        var stored = new List<byte[]>(machine.TakeChanges(1024));
        machine.Next(Put("a", "2"));
        machine.Next(Delete("a"));
        machine.Next(Delete("b"));
        machine.Next(Put("b", "3"));
        stored.AddRange(machine.TakeChanges(1024));

        KeyValueStateMachine restored = KeyValueStateMachine.RestoreParts(stored);
        Assert.Equal(KvStatus.NotFound, restored.Get("a").Status);
        Assert.Equal(new KvResult(KvStatus.Ok, "3", 6) { CreateRevision = 6, Version = 1 }, restored.Get("b"));
        Assert.Equal(machine.Fingerprint(), restored.Fingerprint());
    }

    [Fact]
    public void Sessions_round_trip_through_deltas_including_eviction()
    {
        var machine = new KeyValueStateMachine(maxSessions: 2);
        var stored = new List<byte[]>(machine.BaseParts(1024));
        machine.Next(Put("k", "a", client: 1, sequence: 1));
        machine.Next(Put("k", "b", client: 2, sequence: 1));
        stored.AddRange(machine.TakeChanges(1024));
        machine.Next(Put("k", "c", client: 3, sequence: 1)); // evicts client 1
        stored.AddRange(machine.TakeChanges(1024));

        KeyValueStateMachine restored = KeyValueStateMachine.RestoreParts(stored);
        Assert.Equal(2, restored.SessionCount);
        Assert.Equal(machine.Fingerprint(), restored.Fingerprint());
        // The restored session table still answers a retry from the first result, and client 1 is gone.
        Assert.Equal(machine.Next(Put("k", "retry", client: 2, sequence: 1)), restored.Next(Put("k", "retry", client: 2, sequence: 1)));
        Assert.Equal(machine.Next(Put("k", "again", client: 1, sequence: 1)), restored.Next(Put("k", "again", client: 1, sequence: 1)));
        Assert.Equal(machine.Fingerprint(), restored.Fingerprint());
    }

    [Fact]
    public void Parts_stay_near_the_size_bound()
    {
        var machine = new KeyValueStateMachine();
        for (int i = 0; i < 5_000; i++) machine.Next(Put("key" + i, new string('v', 100)));
        IReadOnlyList<byte[]> parts = machine.BaseParts(maxPartBytes: 16 * 1024);
        Assert.True(parts.Count >= 30, $"{parts.Count} parts");
        // A part closes at the first item past the bound; items here are ~110 bytes.
        Assert.All(parts, p => Assert.True(p.Length <= 16 * 1024 + 200, $"part of {p.Length} bytes"));
        Assert.Equal(machine.Snapshot(), KeyValueStateMachine.RestoreParts(parts).Snapshot());
    }

    [Fact]
    public void A_full_snapshot_of_the_old_format_serves_as_a_base()
    {
        var machine = new KeyValueStateMachine(maxSessions: 7);
        machine.Next(Put("a", "1", client: 4, sequence: 1));
        var stored = new List<byte[]> { machine.Snapshot() };
        _ = machine.TakeChanges(1024);
        machine.Next(Delete("a"));
        machine.Next(Put("b", "2"));
        stored.AddRange(machine.TakeChanges(1024));

        KeyValueStateMachine restored = KeyValueStateMachine.RestoreParts(stored);
        Assert.Equal(7, restored.MaxSessions);
        Assert.Equal(machine.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void An_orphan_delta_that_no_manifest_names_changes_nothing_and_an_older_part_is_rejected()
    {
        // The store writes delta rows first and the manifest last: a crash in between leaves a row
        // that restore never reads. Restoring the manifest's list gives the state it describes.
        var machine = new KeyValueStateMachine();
        machine.Next(Put("a", "1"));
        byte[][] named = [.. machine.TakeChanges(1024)];
        machine.Next(Put("a", "2"));
        _ = machine.TakeChanges(1024); // the orphan
        Assert.Equal(new KvResult(KvStatus.Ok, "1", 1) { CreateRevision = 1, Version = 1 }, KeyValueStateMachine.RestoreParts(named).Get("a"));

        // Parts out of order are corruption, not silently older state.
        var restored = KeyValueStateMachine.RestoreParts(named);
        restored.Next(Put("x", "y"));
        var newer = restored.TakeChanges(1024)[0];
        var state = KeyValueStateMachine.RestoreParts([newer]);
        Assert.Throws<InvalidDataException>(() => state.ApplyPart(named[0]));
        Assert.Throws<InvalidDataException>(() => KeyValueStateMachine.RestoreParts([named[0], [2, 0]]));
    }
}
