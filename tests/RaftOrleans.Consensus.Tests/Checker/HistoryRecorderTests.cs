using RaftOrleans.Testing.History;
using Xunit;

namespace RaftOrleans.Consensus.Tests.Checker;

public sealed class HistoryRecorderTests
{
    [Fact]
    public void Records_invocation_and_completion_times_from_its_clock()
    {
        long time = 100;
        var recorder = new HistoryRecorder(() => time);

        OperationHandle put = recorder.Invoke(1, HistoryOpKind.Put, "k", "v");
        time = 105;
        OperationHandle cas = recorder.Invoke(2, HistoryOpKind.Cas, "k", "w", expectedValue: "v");
        time = 110;
        recorder.Complete(put, HistoryOutcome.Ok);
        recorder.Complete(cas, HistoryOutcome.CasConflict, readValue: "z");

        IReadOnlyList<HistoryOperation> history = recorder.Snapshot();
        Assert.Equal(2, history.Count);
        Assert.Equal("#0 p1 Put(k, \"v\") [100..110] Ok", history[0].ToString());
        Assert.Equal("#1 p2 Cas(k, \"v\" -> \"w\") [105..110] CasConflict \"z\"", history[1].ToString());
    }

    [Fact]
    public void Open_and_abandoned_operations_are_indeterminate()
    {
        var recorder = new HistoryRecorder(() => 7);
        OperationHandle abandoned = recorder.Invoke(1, HistoryOpKind.Delete, "k");
        recorder.Invoke(2, HistoryOpKind.Get, "k");

        recorder.MarkIndeterminate(abandoned);

        Assert.All(recorder.Snapshot(), op => Assert.True(op.IsIndeterminate));
        Assert.Equal("#0 p1 Delete(k) [7..?] indeterminate", recorder.Snapshot()[0].ToString());
    }

    [Fact]
    public void An_operation_closes_only_once()
    {
        var recorder = new HistoryRecorder(() => 0);
        OperationHandle handle = recorder.Invoke(1, HistoryOpKind.Get, "k");
        recorder.Complete(handle, HistoryOutcome.NotFound);

        Assert.Throws<InvalidOperationException>(() => recorder.Complete(handle, HistoryOutcome.Ok, "x"));
        Assert.Throws<InvalidOperationException>(() => recorder.MarkIndeterminate(handle));
        Assert.Throws<ArgumentException>(() => recorder.Complete(new OperationHandle(5), HistoryOutcome.Ok));
    }

    [Fact]
    public void Writes_need_a_value()
    {
        var recorder = new HistoryRecorder(() => 0);

        Assert.Throws<ArgumentException>(() => recorder.Invoke(1, HistoryOpKind.Put, "k"));
    }

    [Fact]
    public void Concurrent_clients_get_distinct_ids()
    {
        long clock = 0;
        var recorder = new HistoryRecorder(() => Interlocked.Increment(ref clock));

        Parallel.For(0, 1000, i =>
        {
            OperationHandle handle = recorder.Invoke(i, HistoryOpKind.Put, "k", $"v{i}");
            recorder.Complete(handle, HistoryOutcome.Ok);
        });

        IReadOnlyList<HistoryOperation> history = recorder.Snapshot();
        Assert.Equal(1000, recorder.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), history.Select(op => op.Id));
        Assert.All(history, op => Assert.True(op.CompleteTime > op.InvokeTime));
    }
}
