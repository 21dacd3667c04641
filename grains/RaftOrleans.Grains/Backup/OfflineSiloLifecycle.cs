using Orleans.Runtime;

namespace RaftOrleans.Grains.Backup;

/// <summary>
/// Starts a few silo lifecycle participants (the storage provider and its schema initializer) without a
/// silo, in stage order, for offline tools such as <c>raftkv-silo restore</c>. Orleans' ADO.NET grain
/// storage opens its connection and reads its queries only when the silo lifecycle starts it; this is
/// the smallest lifecycle that does that and nothing else (no membership, no grains, no ports).
/// </summary>
internal sealed class OfflineSiloLifecycle : ISiloLifecycle
{
    private readonly List<(int Stage, string Name, ILifecycleObserver Observer)> _observers = [];

    /// <inheritdoc />
    public int HighestCompletedStage { get; private set; } = int.MinValue;

    /// <inheritdoc />
    public int LowestStoppedStage { get; private set; } = int.MaxValue;

    /// <inheritdoc />
    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        var entry = (stage, observerName, observer);
        _observers.Add(entry);
        return new Unsubscriber(() => _observers.Remove(entry));
    }

    /// <summary>Runs every observer's start, stage by stage.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var stage in _observers.GroupBy(o => o.Stage).OrderBy(g => g.Key))
        {
            foreach (var (_, _, observer) in stage) await observer.OnStart(cancellationToken);
            HighestCompletedStage = stage.Key;
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
