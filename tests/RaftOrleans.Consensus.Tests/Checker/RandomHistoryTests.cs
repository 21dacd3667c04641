using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Checker;

/// <summary>
/// Histories generated from a real atomic register (each operation takes effect at one random instant
/// inside its interval) are linearizable by construction; the checker must say so, at a size like
/// the simulation's, and must catch a single corrupted read among them.
/// </summary>
public sealed class RandomHistoryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Generated_atomic_histories_are_linearizable(int seed)
    {
        List<HistoryOperation> history = Generate(seed, operations: 3000, processes: 6, keys: 3);

        LinearizabilityResult result = LinearizabilityChecker.Check(history);

        Assert.True(result.Ok, result.Explanation);
        Assert.Equal(3000, result.OperationsChecked);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void One_read_of_a_value_never_written_is_caught(int seed)
    {
        List<HistoryOperation> history = Generate(seed, operations: 3000, processes: 6, keys: 3);
        int victim = history.FindIndex(1500, op => op.Kind == HistoryOpKind.Get && op.Outcome == HistoryOutcome.Ok);
        history[victim] = history[victim] with { ReadValue = "never-written" };

        LinearizabilityResult result = LinearizabilityChecker.Check(history);

        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        KeyLinearizability failed = Assert.Single(result.Keys, k => !k.Verdict.Equals(LinearizabilityVerdict.Linearizable));
        Assert.Equal(history[victim].Key, failed.Key);
        Assert.Contains(failed.Involved, op => op.Id == history[victim].Id);
    }

    /// <summary>Runs a random workload against an atomic register map. About 5% of operations are
    /// indeterminate (their client gives up; the write may or may not take effect later).</summary>
    private static List<HistoryOperation> Generate(int seed, int operations, int processes, int keys)
    {
        var random = new Random(seed);
        var state = new Dictionary<string, string>();
        // Effects are scheduled at an instant inside each interval and executed in time order.
        var pending = new PriorityQueue<(int Index, bool Apply), long>();
        var history = new List<HistoryOperation>();
        var busyUntil = new long[processes];
        long now = 0;
        for (int n = 0; n < operations; n++)
        {
            int process = random.Next(processes);
            now = Math.Max(now + random.Next(0, 3), busyUntil[process] + 1);
            while (pending.TryPeek(out _, out long at) && at < now) Execute(pending.Dequeue().Index);
            string key = $"k{random.Next(keys)}";
            long duration = random.Next(1, 12);
            long effectAt = now + random.Next(0, (int)duration + 1);
            bool indeterminate = random.Next(20) == 0;
            int kind = random.Next(4);
            var op = new HistoryOperation
            {
                Id = n,
                Process = process,
                Kind = (HistoryOpKind)kind,
                Key = key,
                Value = kind is 0 or 3 ? $"v{n}" : null,
                ExpectedValue = kind == 3 && random.Next(3) > 0 ? ObservedSoFar(key) : null,
                InvokeTime = now,
                CompleteTime = indeterminate ? null : now + duration,
            };
            history.Add(op);
            busyUntil[process] = now + duration;
            // An indeterminate write takes effect with probability 1/2, possibly much later.
            if (!indeterminate) pending.Enqueue((n, true), effectAt);
            else if (op.Kind != HistoryOpKind.Get && random.Next(2) == 0) pending.Enqueue((n, true), effectAt + random.Next(0, 200));
        }
        while (pending.Count > 0) Execute(pending.Dequeue().Index);
        return history;

        string? ObservedSoFar(string key) => state.TryGetValue(key, out string? v) ? v : null;

        void Execute(int index)
        {
            HistoryOperation op = history[index];
            bool exists = state.TryGetValue(op.Key, out string? value);
            (HistoryOutcome outcome, string? read) = op.Kind switch
            {
                HistoryOpKind.Put => (HistoryOutcome.Ok, null),
                HistoryOpKind.Get => exists ? (HistoryOutcome.Ok, value) : (HistoryOutcome.NotFound, null),
                HistoryOpKind.Delete => exists ? (HistoryOutcome.Ok, value) : (HistoryOutcome.NotFound, null),
                _ => value == op.ExpectedValue ? (HistoryOutcome.Ok, null) : (HistoryOutcome.CasConflict, value),
            };
            if (op.Kind == HistoryOpKind.Put || (op.Kind == HistoryOpKind.Cas && outcome == HistoryOutcome.Ok)) state[op.Key] = op.Value!;
            if (op.Kind == HistoryOpKind.Delete) state.Remove(op.Key);
            if (!op.IsIndeterminate) history[index] = op with { Outcome = outcome, ReadValue = read };
        }
    }
}
