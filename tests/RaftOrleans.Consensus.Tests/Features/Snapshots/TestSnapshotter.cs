using RaftOrleans.Consensus.Tests.Support;

namespace RaftOrleans.Consensus.Tests.Features.Snapshots;

/// <summary>
/// A state machine image for tests: <see cref="Size"/> bytes derived from the applied index, so a follower's
/// installed image can be compared byte for byte with what the leader captured.
/// </summary>
internal sealed class TestSnapshotter(Func<long> appliedIndex, int size) : IStateMachineSnapshotter
{
    public int Size { get; } = size;

    /// <summary>Images captured so far.</summary>
    public int Captures { get; private set; }

    public static byte[] ImageAt(long index, int size) =>
        Enumerable.Range(0, size).Select(i => (byte)((index * 31 + i) % 251)).ToArray();

    public SnapshotImage? Capture()
    {
        var index = appliedIndex();
        if (index == 0) return null;
        Captures++;
        return new SnapshotImage(new SnapshotMetadata(index, 0, []), ImageAt(index, Size));
    }

    /// <summary>A replica whose snapshotter images its own applied index.</summary>
    public static (Replica Replica, TestSnapshotter Snapshotter) Replica(RaftConfig config, MemoryRaftLogStorage storage, int size)
    {
        Replica? replica = null;
        var snapshotter = new TestSnapshotter(() => replica!.AppliedIndex, size);
        replica = new Replica(config, storage, snapshotter: snapshotter);
        return (replica, snapshotter);
    }
}
