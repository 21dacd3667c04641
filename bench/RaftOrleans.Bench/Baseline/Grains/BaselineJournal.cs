using Orleans.Runtime;
using Orleans.Storage;

namespace RaftOrleans.Grains.Baseline;

/// <summary>
/// The baseline store's durable journal on a named <see cref="IGrainStorage"/>: one row per
/// group-commit batch (<c>raftkv.baseline.batch.{n}</c>), written once and never rewritten, which is
/// the cheapest durable layout a single-node store can have on row storage. Loading replays every
/// row in order. There is no compaction: the baseline lives only as long as a benchmark run.
/// </summary>
internal sealed class BaselineJournal(IGrainStorage storage, GrainId grainId)
{
    private long _nextBatch;

    /// <summary>Storage writes performed since load.</summary>
    public long Writes { get; private set; }

    private static string BatchName(long n) => $"raftkv.baseline.batch.{n}";

    /// <summary>Reads every batch row, in order, until the first that does not exist.</summary>
    public async Task<List<BaselineEntry>> LoadAsync()
    {
        var entries = new List<BaselineEntry>();
        for (_nextBatch = 0; ; _nextBatch++)
        {
            var row = new GrainState<BaselineBatchState>(new BaselineBatchState());
            await storage.ReadStateAsync(BatchName(_nextBatch), grainId, row);
            if (!row.RecordExists || row.State is null) break;
            entries.AddRange(row.State.Entries);
        }
        return entries;
    }

    /// <summary>
    /// Makes <paramref name="entries"/> durable in one new row. The row is written with no ETag, so if
    /// a second activation already wrote it the storage rejects the write (the caller must stop).
    /// </summary>
    public async Task AppendAsync(List<BaselineEntry> entries)
    {
        var row = new GrainState<BaselineBatchState>(new BaselineBatchState { Entries = entries });
        await storage.WriteStateAsync(BatchName(_nextBatch), grainId, row);
        _nextBatch++;
        Writes++;
    }
}
