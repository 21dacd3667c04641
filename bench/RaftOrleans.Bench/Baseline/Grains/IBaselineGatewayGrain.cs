namespace RaftOrleans.Grains.Baseline;

/// <summary>
/// The entry point of the unreplicated benchmark baseline (grain key = store name). It mirrors the
/// path of <see cref="IKeyValueGrain"/> (a stateless worker on the silo the client reached, which
/// forwards to one stateful grain) but the stateful grain is a single
/// <see cref="IBaselineKeyValueGrain"/> persisted on grain storage: no Raft, no replicas. The
/// benchmark compares the two to show what replication costs; it is not a product API.
/// </summary>
[Alias("raftkv.IBaselineGatewayGrain")]
public interface IBaselineGatewayGrain : IGrainWithStringKey
{
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>; answers once the write is durable.</summary>
    [Alias("Put")] Task<KvResponse> Put(string key, string value);
    /// <summary>Reads <paramref name="key"/> from the single store grain (which is linearizable by construction).</summary>
    [Alias("Get")] Task<KvResponse> Get(string key);
    /// <summary>Sets <paramref name="key"/> to <paramref name="newValue"/> if <paramref name="condition"/> holds.</summary>
    [Alias("Cas")] Task<KvResponse> CompareAndSwap(string key, CasCondition condition, string newValue);
}
