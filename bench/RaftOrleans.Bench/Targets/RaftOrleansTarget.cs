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

    /// <summary>
    /// Storage writes and persisted entries of every replica since activation, from <c>Status()</c>;
    /// the change over a run shows how well group commit batches (entries per storage write).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (string Role, long Writes, long Entries)>> StorageCountersAsync()
    {
        var status = await _store.StatusAsync();
        return status.Replicas.ToDictionary(r => r.Silo, r => (r.Role, r.StorageWrites, r.EntriesPersisted));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
