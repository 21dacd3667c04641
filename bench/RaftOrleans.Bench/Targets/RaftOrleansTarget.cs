using RaftOrleans.Grains;

namespace RaftOrleans.Bench.Targets;

/// <summary>The RaftOrleans cluster through the public client API (<c>GetRaftKeyValueStore</c>).</summary>
public sealed class RaftOrleansTarget(OrleansClientConnection connection, string group) : IKvTarget
{
    private readonly RaftKeyValueStore _store = connection.Client.GetRaftKeyValueStore(group);

    /// <inheritdoc />
    public string Name => TargetKind.RaftOrleans.Name();

    /// <summary>The store, for status queries (failover).</summary>
    public RaftKeyValueStore Store => _store;

    /// <inheritdoc />
    public Task<OpResult> PutAsync(string key, string value) => KvResponseMapping.Run(_store.PutAsync(key, value));

    /// <inheritdoc />
    public Task<OpResult> GetAsync(string key, bool stale) => KvResponseMapping.Run(_store.GetAsync(key, stale));

    /// <inheritdoc />
    public Task<OpResult> CompareAndSwapAsync(string key, string expected, string newValue)
        => KvResponseMapping.Run(_store.CompareAndSwapAsync(key, CasCondition.ValueEquals(expected), newValue));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
