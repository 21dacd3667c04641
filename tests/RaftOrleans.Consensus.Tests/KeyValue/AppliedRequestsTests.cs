using RaftOrleans.KeyValue;
using Xunit;
using static RaftOrleans.Consensus.Tests.KeyValue.KvTestCommands;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>The apply-and-answer class the replica grain and the simulation share.</summary>
public sealed class AppliedRequestsTests
{
    private sealed class Request(string name)
    {
        public string Name { get; } = name;
        public override string ToString() => Name;
    }

    private sealed class Host : IAppliedRequestsHost<Request>
    {
        public List<string> Answers { get; } = [];
        public List<long> Applied { get; } = [];
        public void Completed(Request waiter, KvResult result, string detail) => Answers.Add($"{waiter} done {result.Status} {result.Value}");
        public void Failed(Request waiter, string reason) => Answers.Add($"{waiter} failed");
        public void EntryApplied(Entry entry, KvResult result) => Applied.Add(entry.Index);
    }

    private static Entry Normal(long term, long index, byte[] command) => new(term, index, EntryType.Normal, command);

    private static (AppliedRequests<Request> Requests, Host Host) Create(KeyValueStateMachine? machine = null)
    {
        var host = new Host();
        return (new AppliedRequests<Request>(machine ?? new KeyValueStateMachine(), host), host);
    }

    [Fact]
    public void AProposalIsAnsweredWhenItsIndexAppliesWithItsTerm()
    {
        var (requests, host) = Create();
        requests.Proposed(2, 1, new Request("a"));

        requests.Apply(new Ready { CommittedEntries = [new Entry(1, 1, EntryType.Noop, []), Normal(1, 2, Put("k", "v"))] });

        Assert.Equal(["a done Ok v"], host.Answers);
        Assert.Equal([1L, 2L], host.Applied);
        Assert.Equal(0, requests.PendingProposals);
    }

    [Fact]
    public void AProposalWhoseEntryWasOverwrittenFails()
    {
        var (requests, host) = Create();
        requests.Proposed(1, 1, new Request("a"));

        requests.Apply(new Ready { CommittedEntries = [Normal(2, 1, Put("k", "other"))] });

        Assert.Equal(["a failed"], host.Answers);
        Assert.Equal("other", requests.Machine.Get("k").Value);
    }

    [Fact]
    public void LosingLeadershipFailsEveryWaiterAndForgetsSessions()
    {
        var (requests, host) = Create();
        requests.Apply(new Ready { SoftState = new SoftState(1, StateRole.Leader) });
        requests.Proposed(1, 1, new Request("w"), (7, 1));
        requests.ReadStarted(requests.NextReadContext(), "k", new Request("r"));

        requests.Apply(new Ready { SoftState = new SoftState(RaftNode.None, StateRole.Follower) });

        Assert.Equal(["w failed", "r failed"], host.Answers);
        Assert.False(requests.TryGetSessionWaiter((7, 1), out _));
        Assert.Equal((0, 0), (requests.PendingProposals, requests.PendingReads));
    }

    [Fact]
    public void AReadIsServedOnceConfirmedAndItsIndexApplied()
    {
        var (requests, host) = Create();
        var context = requests.NextReadContext();
        requests.ReadStarted(context, "k", new Request("r"));
        requests.Apply(new Ready { CommittedEntries = [Normal(1, 1, Put("k", "v1"))] });
        Assert.Empty(host.Answers);

        requests.Apply(new Ready { ReadStates = [new ReadState(2, context)] });
        Assert.Empty(host.Answers);
        requests.Apply(new Ready { CommittedEntries = [Normal(1, 2, Put("k", "v2"))] });

        Assert.Equal(["r done Ok v2"], host.Answers);
    }

    [Fact]
    public void ADroppedReadFails()
    {
        var (requests, host) = Create();
        var context = requests.NextReadContext();
        requests.ReadStarted(context, "k", new Request("r"));

        requests.Apply(new Ready { DroppedReads = [context] });

        Assert.Equal(["r failed"], host.Answers);
    }

    [Fact]
    public void ASessionWaiterIsFoundWhileQueuedAndForgottenWhenRefusedOrAnswered()
    {
        var (requests, _) = Create();
        var waiter = new Request("w");
        requests.SessionQueued((7, 1), waiter);
        Assert.True(requests.TryGetSessionWaiter((7, 1), out var found));
        Assert.Same(waiter, found);
        requests.SessionRefused((7, 1));
        Assert.False(requests.TryGetSessionWaiter((7, 1), out _));

        requests.Proposed(1, 1, waiter, (7, 2));
        requests.Apply(new Ready { CommittedEntries = [Normal(1, 1, Put("k", "v", client: 7, sequence: 2))] });
        Assert.False(requests.TryGetSessionWaiter((7, 2), out _));
    }

    [Fact]
    public void AnInstalledSnapshotReplacesTheStateFailsProposalsItCoversAndServesReadsUpToIt()
    {
        var leaderMachine = new KeyValueStateMachine();
        leaderMachine.Next(Put("k", "v1"));
        leaderMachine.Next(Put("k", "v2"));
        leaderMachine.Next(Put("j", "x"));
        var image = new SnapshotImage(new SnapshotMetadata(3, 2, [1, 2, 3]), leaderMachine.Snapshot());

        var (requests, host) = Create();
        requests.Proposed(2, 1, new Request("covered"));
        requests.Proposed(4, 2, new Request("after"));
        var context = requests.NextReadContext();
        requests.ReadStarted(context, "k", new Request("read"));
        requests.Apply(new Ready { ReadStates = [new ReadState(3, context)] });

        requests.Apply(new Ready { Snapshot = image, CommittedEntries = [Normal(2, 4, Put("j", "y"))] });

        Assert.Equal(["covered failed", "read done Ok v2", "after done Ok y"], host.Answers);
        Assert.Equal(4, requests.Machine.AppliedIndex);
        Assert.Equal(leaderMachine.Get("k"), requests.Machine.Get("k"));
        Assert.Equal([4L], host.Applied); // entries up to the snapshot are never applied one by one
    }

    [Fact]
    public void ASnapshotInstalledBeforeApplyIsNotInstalledTwice()
    {
        var source = new KeyValueStateMachine();
        source.Next(Put("k", "v"));
        var image = new SnapshotImage(new SnapshotMetadata(1, 1, [1]), source.Snapshot());
        var (requests, _) = Create();

        var restored = requests.InstallSnapshot(image);
        requests.Apply(new Ready { Snapshot = image });

        Assert.Same(restored, requests.Machine);
    }

    [Fact]
    public void AnImageWhoseContentsDisagreeWithItsMetadataIsRefused()
    {
        var source = new KeyValueStateMachine();
        source.Next(Put("k", "v"));
        var (requests, _) = Create();

        Assert.Throws<InvalidDataException>(() => requests.InstallSnapshot(new SnapshotImage(new SnapshotMetadata(5, 1, [1]), source.Snapshot())));
    }

    [Fact]
    public void CaptureImagesTheStateMachineAtItsAppliedIndex()
    {
        var machine = new KeyValueStateMachine();
        var (requests, _) = Create(machine);
        Assert.Null(requests.Capture());

        machine.Next(Put("k", "v"));
        var image = requests.Capture();

        Assert.NotNull(image);
        Assert.Equal(1, image.Metadata.Index);
        Assert.Equal(machine.Fingerprint(), KeyValueStateMachine.Restore(image.Data.ToArray()).Fingerprint());
    }
}
