namespace RaftOrleans.Bench.Targets;

/// <summary>
/// One system under test, driven through its ordinary public client. Every call answers a result
/// instead of throwing for server-side failures, so a load loop counts errors without unwinding.
/// </summary>
public interface IKvTarget : IAsyncDisposable
{
    /// <summary>The target's name in results and tables.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>.</summary>
    Task<OpResult> PutAsync(string key, string value);

    /// <summary>Reads <paramref name="key"/>: linearizable, or served by any replica when <paramref name="stale"/>.</summary>
    Task<OpResult> GetAsync(string key, bool stale);

    /// <summary>Writes <paramref name="newValue"/> if the current value equals <paramref name="expected"/>; a conflict reports the current value.</summary>
    Task<OpResult> CompareAndSwapAsync(string key, string expected, string newValue);
}
