using RaftOrleans.KeyValue;
using Xunit;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>
/// The state machine against <see cref="KeyspaceModel"/> on seeded random sequences of puts, deletes, delete-ranges,
/// compare-and-swaps, increments and transactions, with range reads now and at older revisions, gets, and
/// snapshot-and-restore (whole snapshots and base-plus-delta parts) in the middle. A failing seed is printed and
/// replays alone with <c>Replay(seed)</c>.
/// </summary>
public sealed class KeyspaceModelTests
{
    // Keys whose UTF-16 order differs from their UTF-8 order (U+E000 vs a surrogate pair), prefixes of each other,
    // and an empty-string-adjacent one.
    private static readonly string[] Keys = ["a", "ab", "abc", "b", "ba", "c", "\uE000", "\U0001F600", "\U0001F600x", "a\uFFFF", "z"];

    [Fact]
    public void The_keyspace_matches_the_model_on_random_histories()
    {
        for (int seed = 1; seed <= 300; seed++)
        {
            try
            {
                Replay(seed);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed} failed (replay with KeyspaceModelTests.Replay({seed})): {ex.Message}");
            }
        }
    }

    private static void Replay(int seed)
    {
        var random = new Random(seed);
        var machine = new KeyValueStateMachine(historyEvents: 24);
        var model = new KeyspaceModel();
        var parts = new List<byte[]>(machine.BaseParts(256));
        bool restored = false;
        long events = 0;
        for (int step = 0; step < 250; step++)
        {
            int roll = random.Next(100);
            if (roll < 55)
            {
                KvCommand command = RandomCommand(random);
                long before = machine.Revision;
                KvResult actual = machine.Apply(machine.AppliedIndex + 1, KvCommandCodec.Encode(command));
                if (KvLimits.Ceiling.Validate(command) is { } invalid)
                {
                    Assert.Equal(KvStatus.BadInput, actual.Status);
                    Assert.Equal(before, machine.Revision);
                    continue;
                }
                KvResult expected = model.Apply(command);
                Assert.True(Same(expected, actual), $"step {step}: {Describe(command)}: expected {Show(expected)}, got {Show(actual)}");
                events += machine.Revision - before; // at least one event per new revision
            }
            else if (roll < 85)
            {
                KvRange range = RandomRange(random, read: true) with { Revision = RandomRevision(random, machine) };
                KvResult actual = machine.Range(range);
                KvResult expected = KvLimits.Ceiling.ValidateRange(range) is { } invalid
                    ? KvResult.BadInput(invalid)
                    : model.Range(range, machine.OldestReadableRevision);
                Assert.True(Same(expected, actual), $"step {step}: range {Describe(range)} at floor {machine.OldestReadableRevision}: expected {Show(expected)}, got {Show(actual)}");
            }
            else if (roll < 90)
            {
                KvRange range = RandomRange(random, read: false);
                long from = random.Next(4) == 0 ? 0 : Math.Max(0, machine.OldestReadableRevision + 1 - random.Next(3) + (long)(random.NextDouble() * (machine.Revision - machine.OldestReadableRevision + 2)));
                KvResult actual = machine.Watch(range, from, maxEvents: int.MaxValue);
                if (KvLimits.Ceiling.ValidateRange(range, forRead: false) is not null)
                {
                    Assert.Equal(KvStatus.BadInput, actual.Status);
                }
                else if (from != 0 && from - 1 < machine.OldestReadableRevision)
                {
                    Assert.Equal((KvStatus.Compacted, machine.OldestReadableRevision + 1), (actual.Status, actual.Revision));
                }
                else
                {
                    var expected = model.Changes(range, from == 0 ? model.Revision + 1 : from);
                    var got = (actual.Events ?? []).OrderBy(e => e.Revision).ThenBy(e => e.Current.Key, StringComparer.Ordinal).ToList();
                    Assert.True(expected.SequenceEqual(got), $"step {step}: watch {Describe(range)} from {from}: expected {expected.Count} events [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
                    Assert.Equal(Math.Max(machine.Revision, (from == 0 ? machine.Revision + 1 : from) - 1), actual.Revision);
                }
            }
            else if (roll < 93)
            {
                string key = Keys[random.Next(Keys.Length)];
                Assert.True(model.Get(key).SameAs(machine.Get(key)), $"step {step}: get {key}");
            }
            else if (roll < 97)
            {
                parts.AddRange(machine.TakeChanges(256));
            }
            else
            {
                KeyValueStateMachine copy = random.Next(2) == 0
                    ? KeyValueStateMachine.Restore(machine.Snapshot(), machine.HistoryEvents)
                    : KeyValueStateMachine.RestoreParts([.. parts, .. machine.TakeChanges(256)], historyEvents: machine.HistoryEvents);
                Assert.Equal(machine.Fingerprint(), copy.Fingerprint());
                Assert.Equal(machine.Revision, copy.Revision);
                Assert.Equal(machine.Revision, copy.OldestReadableRevision);
                if (parts.Count > 0) parts = [.. copy.BaseParts(256)];
                _ = copy.TakeChanges(256);
                machine = copy;
                restored = true;
            }
            Assert.Equal(model.Revision, machine.Revision);
            Assert.InRange(machine.OldestReadableRevision, 0, machine.Revision);
            // Until the bound is reached (and before any restore), every revision stays readable.
            if (!restored && events <= machine.HistoryEvents / 2) Assert.Equal(0, machine.OldestReadableRevision);
        }
    }

    // Messages are for people; the model does not word them.
    private static bool Same(KvResult expected, KvResult actual) => (expected with { Message = null }).SameAs(actual with { Message = null });

    private static long RandomRevision(Random random, KeyValueStateMachine machine)
    {
        int roll = random.Next(10);
        if (roll < 4) return 0;
        if (roll == 4) return machine.Revision + 1 + random.Next(3); // the future: BadInput
        long low = Math.Max(1, machine.OldestReadableRevision - 2);
        return low > machine.Revision ? 0 : low + (long)(random.NextDouble() * (machine.Revision - low + 1));
    }

    private static KvCommand RandomCommand(Random random)
    {
        string key = Keys[random.Next(Keys.Length)];
        string value = random.Next(4) == 0 ? random.Next(-5, 5).ToString() : "v" + random.Next(10);
        return random.Next(11) switch
        {
            0 => new KvCommand { Op = KvOp.Put, Key = key, Value = value },
            1 => new KvCommand { Op = KvOp.Put, Key = key, Value = value, Lease = random.Next(4) },
            9 => new KvCommand { Op = KvOp.LeaseGrant, Key = "", Lease = random.Next(3) == 0 ? random.Next(1, 4) : 0, Ttl = random.Next(0, 3) == 0 ? 0 : 60 },
            10 => new KvCommand { Op = KvOp.LeaseRevoke, Key = "", Lease = random.Next(0, 5) },
            2 => new KvCommand { Op = KvOp.Delete, Key = key },
            3 => new KvCommand { Op = KvOp.Cas, Key = key, Value = value, ExpectedValue = "v" + random.Next(10) },
            4 => new KvCommand { Op = KvOp.Cas, Key = key, Value = value, ExpectedRevision = 1 + random.Next(40) },
            5 => new KvCommand { Op = KvOp.Increment, Key = key, Delta = random.Next(-3, 4) },
            6 => new KvCommand { Op = KvOp.DeleteRange, Key = "", Range = RandomRange(random, read: false) },
            _ => new KvCommand { Op = KvOp.Txn, Key = "", Txn = RandomTxn(random) },
        };
    }

    private static KvTxn RandomTxn(Random random)
    {
        var compares = Enumerable.Range(0, random.Next(3)).Select(_ =>
        {
            var target = (KvCompareTarget)random.Next(1, 5);
            return new KvCompare
            {
                Key = Keys[random.Next(Keys.Length)],
                Target = target,
                Operator = (KvCompareOperator)random.Next(1, 5),
                Value = target == KvCompareTarget.Value ? "v" + random.Next(10) : null,
                Number = target == KvCompareTarget.Value ? 0 : random.Next(0, 30),
            };
        }).ToList();
        return new KvTxn { Compares = compares, Success = RandomOps(random), Failure = RandomOps(random) };
    }

    private static List<KvTxnOp> RandomOps(Random random) => Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(3) switch
    {
        0 => KvTxnOp.Put(Keys[random.Next(Keys.Length)], "t" + random.Next(10), random.Next(3) == 0 ? random.Next(4) : 0),
        1 => KvTxnOp.Delete(RandomRange(random, read: false)),
        _ => KvTxnOp.Read(RandomRange(random, read: true)),
    }).ToList();

    private static KvRange RandomRange(Random random, bool read)
    {
        KvRange range = random.Next(3) switch
        {
            0 => KvRange.Single(Keys[random.Next(Keys.Length)]),
            1 => KvRange.WithPrefix(random.Next(6) == 0 ? "" : Keys[random.Next(Keys.Length)]),
            _ => Interval(random),
        };
        if (!read) return range;
        return range with { Limit = random.Next(3) == 0 ? random.Next(1, 4) : 0, KeysOnly = random.Next(5) == 0, CountOnly = random.Next(8) == 0 };
    }

    private static KvRange Interval(Random random)
    {
        string from = random.Next(5) == 0 ? "" : Keys[random.Next(Keys.Length)];
        if (random.Next(4) == 0) return new KvRange { Key = from, RangeEnd = KvRange.ToEnd };
        string to = Keys[random.Next(Keys.Length)];
        // Mostly valid intervals; sometimes an empty or reversed one, which must be refused.
        if (KeyspaceModel.Utf8Compare(from, to) > 0 && random.Next(4) != 0) (from, to) = (to, from);
        return new KvRange { Key = from, RangeEnd = to };
    }

    private static string Describe(KvCommand c) => c.Op switch
    {
        KvOp.Txn => $"txn({c.Txn!.Compares.Count} compares, {c.Txn.Success.Count}/{c.Txn.Failure.Count} ops)",
        KvOp.DeleteRange => $"delete-range {Describe(c.Range!)}",
        _ => $"{c.Op} {c.Key} {c.Value}{c.ExpectedValue}{c.ExpectedRevision}{(c.Op == KvOp.Increment ? c.Delta : "")}",
    };

    private static string Describe(KvRange r) => $"[{r.Key}{(r.Prefix ? "*" : r.RangeEnd is null ? "" : ".." + r.RangeEnd)} limit {r.Limit}{(r.KeysOnly ? " keys" : "")}{(r.CountOnly ? " count" : "")} rev {r.Revision}]";

    private static string Show(KvResult r) =>
        $"{r.Status} '{r.Value}' rev {r.Revision} count {r.Count} more {r.More} ok {r.Succeeded} [{string.Join(", ", (r.Entries ?? []).Select(e => $"{e.Key}={e.Value}@{e.CreateRevision}/{e.ModRevision}/v{e.Version}"))}]"
        + (r.Responses is null ? "" : " {" + string.Join("; ", r.Responses.Select(Show)) + "}") + (r.Message is null ? "" : $" ({r.Message})");
}
