using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;

namespace RaftOrleans.Grains.Baseline;

/// <summary>
/// The unreplicated baseline store: one activation holding the whole map in memory. Writes wait in a
/// queue; one flush at a time takes everything queued, decides each write against the state as it
/// will be (so a compare-and-swap sees earlier writes of its own batch), makes the batch durable in
/// ONE storage write, then applies it and answers. This is the Raft leader's group commit without the
/// replication, so the benchmark's RaftOrleans/baseline ratio isolates the price of Raft.
/// Reads answer from the applied map: a write is applied only after it is durable and before it is
/// answered, so a read never sees an unacknowledged write and always sees every acknowledged one.
/// </summary>
[Reentrant]
internal sealed class BaselineKeyValueGrain : Grain, IBaselineKeyValueGrain
{
    private readonly Dictionary<string, (string Value, long Revision)> _data = new(StringComparer.Ordinal);
    private List<PendingWrite> _queue = [];
    private BaselineJournal _journal = null!;
    private long _revision;
    private bool _flushing;
    private Exception? _failure;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(BaselineHostingExtensions.StorageProviderName);
        _journal = new BaselineJournal(storage, this.GetGrainId());
        foreach (var entry in await _journal.LoadAsync())
        {
            _data[entry.Key] = (entry.Value, entry.Revision);
            _revision = entry.Revision;
        }
    }

    /// <inheritdoc />
    public Task<KvResponse> Put(string key, string value) => Enqueue(new PendingWrite(key, value, null));

    /// <inheritdoc />
    public Task<KvResponse> CompareAndSwap(string key, CasCondition condition, string newValue)
        => Enqueue(new PendingWrite(key, newValue, condition));

    /// <inheritdoc />
    public Task<KvResponse> Get(string key)
        => Task.FromResult(_data.TryGetValue(key, out var found)
            ? new KvResponse { Status = KvStatusCode.Ok, Value = found.Value, Revision = found.Revision }
            : new KvResponse { Status = KvStatusCode.NotFound });

    private Task<KvResponse> Enqueue(PendingWrite write)
    {
        if (_failure is not null) return Task.FromResult(KvResponse.Unavailable($"baseline store stopped: {_failure.Message}"));
        _queue.Add(write);
        if (!_flushing)
        {
            _flushing = true;
            // Runs on this activation's scheduler; its awaits let further writes queue up for the next batch.
            _ = FlushAsync();
        }
        return write.Completion.Task;
    }

    private async Task FlushAsync()
    {
        List<PendingWrite> batch = [];
        try
        {
            while (_queue.Count > 0)
            {
                // Let requests already delivered to this activation enqueue first. Without this the batch
                // is only what arrived before the flush started: Microsoft.Data.Sqlite completes its
                // "async" calls synchronously, so the storage await below never yields to them, and
                // group commit would degenerate into one write per request.
                await Task.Yield();
                batch = _queue;
                _queue = [];
                var (entries, answers) = Decide(batch);
                if (entries.Count > 0) await _journal.AppendAsync(entries);
                foreach (var e in entries) _data[e.Key] = (e.Value, e.Revision);
                for (var i = 0; i < batch.Count; i++) batch[i].Completion.TrySetResult(answers[i]);
            }
        }
        catch (Exception ex)
        {
            // A storage failure (or an ETag conflict: another activation wrote the same row) leaves the
            // journal's state unknown: answer everything waiting and stop, rather than serve on.
            // The failure reaches every caller in its answer; nothing is thrown into the discarded task.
            _failure = ex;
            var stopped = KvResponse.Unavailable($"baseline store stopped: {ex.GetBaseException().Message}");
            foreach (var w in batch.Concat(_queue)) w.Completion.TrySetResult(stopped);
            _queue = [];
            DeactivateOnIdle();
        }
        finally
        {
            _flushing = false;
        }
    }

    /// <summary>Decides every write of <paramref name="batch"/> in order against the map as the batch leaves it.</summary>
    private (List<BaselineEntry> Entries, KvResponse[] Answers) Decide(List<PendingWrite> batch)
    {
        var entries = new List<BaselineEntry>(batch.Count);
        var answers = new KvResponse[batch.Count];
        var overlay = new Dictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var w = batch[i];
            var exists = overlay.TryGetValue(w.Key, out var current) || _data.TryGetValue(w.Key, out current);
            if (w.Condition is { } c && !Holds(c, exists, current))
            {
                answers[i] = new KvResponse { Status = KvStatusCode.CasConflict, Value = exists ? current.Value : null, Revision = exists ? current.Revision : 0 };
                continue;
            }
            var entry = new BaselineEntry { Key = w.Key, Value = w.Value, Revision = ++_revision };
            entries.Add(entry);
            overlay[w.Key] = (w.Value, entry.Revision);
            answers[i] = new KvResponse { Status = KvStatusCode.Ok, Revision = entry.Revision };
        }
        return (entries, answers);
    }

    private static bool Holds(CasCondition c, bool exists, (string Value, long Revision) current)
    {
        if (c.MustNotExist) return !exists;
        if (c.ExpectedRevision is { } revision) return exists ? current.Revision == revision : revision == 0;
        return exists && string.Equals(current.Value, c.ExpectedValue, StringComparison.Ordinal);
    }

    private sealed record PendingWrite(string Key, string Value, CasCondition? Condition)
    {
        public TaskCompletionSource<KvResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
