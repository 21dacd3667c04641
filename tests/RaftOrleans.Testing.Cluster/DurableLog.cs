using Orleans.Runtime;
using Orleans.Storage;
using RaftOrleans.Grains;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// One replica's log as its storage holds it (hard state, sealed chunks and unsealed tail), read
/// straight from the silo's storage provider, bypassing the replica. Reading never conflicts with
/// the replica's writes (only writes check ETags).
/// </summary>
/// <param name="Replica">The replica index.</param>
/// <param name="Term">Durable current term.</param>
/// <param name="Commit">Durable commit index.</param>
/// <param name="Entries">Every durable entry, in index order from <see cref="FirstIndex"/>.</param>
public sealed record DurableLog(int Replica, long Term, long Commit, IReadOnlyList<RaftEntryData> Entries)
{
    /// <summary>Index of <c>Entries[0]</c>: 1, or one past the compaction point of a compacted log.</summary>
    public long FirstIndex { get; init; } = 1;

    private RaftEntryData At(long index) => Entries[(int)(index - FirstIndex)];

    // The row names ReplicaLogStore (grains/RaftOrleans.Grains/Replica) writes. If they drift, a
    // replica with entries reads as having none, and the log comparison fails loudly.
    private const string HeadName = "raftkv.head";

    private static string ChunkName(int n) => $"raftkv.log.{n}";

    /// <summary>Reads replica <paramref name="replica"/>'s durable log from <paramref name="storage"/>.</summary>
    public static async Task<DurableLog> ReadAsync(IGrainStorage storage, GrainId replicaGrain, int replica)
    {
        var head = new GrainState<ReplicaHeadState>(new ReplicaHeadState());
        await storage.ReadStateAsync(HeadName, replicaGrain, head);
        var state = head.State ?? new ReplicaHeadState();
        var entries = new List<RaftEntryData>();
        // Chunks below FirstChunk and entries at or below the compaction point are compacted away.
        for (var n = state.FirstChunk; n < state.SealedChunks; n++)
        {
            var chunk = new GrainState<LogChunkState>(new LogChunkState());
            await storage.ReadStateAsync(ChunkName(n), replicaGrain, chunk);
            entries.AddRange((chunk.State?.Entries ?? throw new InvalidOperationException($"replica {replica}: sealed chunk {n} is missing")).Where(e => e.Index > state.CompactIndex));
        }
        entries.AddRange(state.Tail.Where(e => e.Index > state.CompactIndex));
        var first = state.CompactIndex + 1;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Index != first + i) throw new InvalidOperationException($"replica {replica}: durable entry at position {i} has index {entries[i].Index}, expected {first + i}");
        }
        return new DurableLog(replica, state.Term, state.Commit, entries) { FirstIndex = first };
    }

    /// <summary>
    /// Compares durable logs pairwise and returns every violation found (empty when consistent):
    /// entries at or below both replicas' commit index must be identical (state machine safety), and
    /// two logs holding an entry of the same term at an index must be identical up to that index
    /// (log matching, paper §5.3).
    /// </summary>
    public static IReadOnlyList<string> Compare(IReadOnlyList<DurableLog> logs)
    {
        var problems = new List<string>();
        for (var a = 0; a < logs.Count; a++)
        {
            for (var b = a + 1; b < logs.Count; b++)
            {
                var (x, y) = (logs[a], logs[b]);
                var committed = Math.Min(x.Commit, y.Commit);
                var xLast = x.FirstIndex + x.Entries.Count - 1;
                var yLast = y.FirstIndex + y.Entries.Count - 1;
                var lastCommon = Math.Min(xLast, yLast);
                if (committed > lastCommon)
                {
                    problems.Add($"replicas {x.Replica} and {y.Replica}: commit {committed} but entries in common only up to {lastCommon}");
                }
                // Compared over the indexes both still hold (a compacted prefix was committed and applied).
                var from = Math.Max(x.FirstIndex, y.FirstIndex);
                // Log matching: the same term at an index means identical logs up to that index.
                var matchedThrough = from - 1;
                for (var i = from; i <= lastCommon; i++)
                {
                    if (x.At(i).Term == y.At(i).Term) matchedThrough = i;
                }
                var mustAgreeThrough = Math.Max(matchedThrough, Math.Min(committed, lastCommon));
                for (var i = from; i <= mustAgreeThrough; i++)
                {
                    var (ex, ey) = (x.At(i), y.At(i));
                    if (ex.Term == ey.Term && ex.Type == ey.Type && ex.Data.AsSpan().SequenceEqual(ey.Data)) continue;
                    problems.Add(ex.Index <= committed
                        ? $"index {ex.Index} is committed on replicas {x.Replica} and {y.Replica} with different entries: term {ex.Term} ({ex.Data.Length} bytes) vs term {ey.Term} ({ey.Data.Length} bytes)"
                        : $"replicas {x.Replica} and {y.Replica} agree on the term of index {matchedThrough} but differ at index {ex.Index}: term {ex.Term} vs term {ey.Term} (log matching broken)");
                }
            }
        }
        return problems;
    }
}
