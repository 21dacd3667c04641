using RaftOrleans.Grains;
using RaftOrleans.Grains.Baseline;

namespace RaftOrleans.Bench.Targets;

/// <summary>The unreplicated baseline through the same Orleans client, via <see cref="IBaselineGatewayGrain"/>.</summary>
public sealed class BaselineTarget(OrleansClientConnection connection, string store) : IKvTarget
{
    private readonly IBaselineGatewayGrain _gateway = connection.Client.GetGrain<IBaselineGatewayGrain>(store);

    /// <inheritdoc />
    public string Name => TargetKind.Baseline.Name();

    /// <inheritdoc />
    public Task<OpResult> PutAsync(string key, string value) => KvResponseMapping.Run(_gateway.Put(key, value));

    /// <summary>Reads from the single store grain; there are no replicas, so a stale read is the same read.</summary>
    public Task<OpResult> GetAsync(string key, bool stale) => KvResponseMapping.Run(_gateway.Get(key));

    /// <inheritdoc />
    public Task<OpResult> CompareAndSwapAsync(string key, string expected, string newValue)
        => KvResponseMapping.Run(_gateway.CompareAndSwap(key, CasCondition.ValueEquals(expected), newValue));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
