using System.Collections.Concurrent;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Tests;

/// <summary>An in-memory key-value target with the same answers a real one gives, or one that fails everything.</summary>
internal sealed class FakeTarget(bool failEverything = false) : IKvTarget
{
    private readonly ConcurrentDictionary<string, string> _data = new(StringComparer.Ordinal);
    private readonly object _casLock = new();

    public string Name => "fake";

    public int Puts;

    public Task<OpResult> PutAsync(string key, string value)
    {
        if (failEverything) return Task.FromResult(OpResult.Failed("down"));
        Interlocked.Increment(ref Puts);
        _data[key] = value;
        return Yielded(OpResult.Ok());
    }

    public Task<OpResult> GetAsync(string key, bool stale)
    {
        if (failEverything) return Task.FromResult(OpResult.Failed("down"));
        return Yielded(_data.TryGetValue(key, out var v) ? new OpResult(OpOutcome.Ok, v) : new OpResult(OpOutcome.NotFound));
    }

    public Task<OpResult> CompareAndSwapAsync(string key, string expected, string newValue)
    {
        if (failEverything) return Task.FromResult(OpResult.Failed("down"));
        lock (_casLock)
        {
            if (_data.TryGetValue(key, out var current) && current == expected)
            {
                _data[key] = newValue;
                return Yielded(OpResult.Ok());
            }
            return Yielded(new OpResult(OpOutcome.Conflict, current));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // A real client always goes asynchronous; so does this one, so the load loops interleave.
    private static async Task<OpResult> Yielded(OpResult result)
    {
        await Task.Yield();
        return result;
    }
}
