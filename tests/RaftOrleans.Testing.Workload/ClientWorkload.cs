using RaftOrleans.Grains;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Workload;

/// <summary>Several <see cref="WorkloadClient"/>s running at once, started and stopped together.</summary>
public sealed class ClientWorkload
{
    private readonly CancellationTokenSource _stopStarting = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly List<Task> _running = [];
    private readonly List<WorkloadClient> _clients;

    /// <summary>Creates <paramref name="clients"/> clients sharing <paramref name="keys"/> keys.</summary>
    public ClientWorkload(int clients, int seed, int keys, Func<RaftKeyValueStore> store, HistoryRecorder recorder, WorkloadStats stats, TimeSpan deadline)
    {
        _clients = Enumerable.Range(1, clients).Select(i => new WorkloadClient(i, seed, keys, store, recorder, stats, deadline)).ToList();
    }

    /// <summary>Starts every client.</summary>
    public void Start()
    {
        foreach (var client in _clients) _running.Add(Task.Run(() => client.RunAsync(_stopStarting.Token, _abandon.Token)));
    }

    /// <summary>Stops starting operations, lets those in flight finish for up to <paramref name="grace"/>,
    /// then abandons the rest (recorded indeterminate).</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _stopStarting.Cancel();
        var all = Task.WhenAll(_running);
        if (await Task.WhenAny(all, Task.Delay(grace)) != all) _abandon.Cancel();
        await all;
    }
}
