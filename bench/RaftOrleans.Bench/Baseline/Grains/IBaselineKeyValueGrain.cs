namespace RaftOrleans.Grains.Baseline;

/// <summary>
/// The one stateful grain of the unreplicated baseline (grain key = store name): an in-memory map
/// whose writes are made durable on grain storage, many concurrent writes per storage write
/// (group commit, as the Raft leader does), before they are applied and answered.
/// Reached through <see cref="IBaselineGatewayGrain"/>.
/// </summary>
[Alias("raftkv.IBaselineKeyValueGrain")]
public interface IBaselineKeyValueGrain : IGrainWithStringKey
{
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    [Alias("Put")] Task<KvResponse> Put(string key, string value);
    /// <summary>Reads <paramref name="key"/>.</summary>
    [Alias("Get")] Task<KvResponse> Get(string key);
    /// <summary>Sets <paramref name="key"/> to <paramref name="newValue"/> if <paramref name="condition"/> holds.</summary>
    [Alias("Cas")] Task<KvResponse> CompareAndSwap(string key, CasCondition condition, string newValue);
}
