using Orleans.Concurrency;

namespace RaftOrleans.Grains.Baseline;

/// <summary>
/// The baseline's gateway: like the Raft <c>KeyValueGrain</c>, a reentrant stateless worker that
/// runs on the silo the client reached and forwards to the one stateful grain, so both paths cost
/// the same client hop plus one grain hop before storage is touched.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class BaselineGatewayGrain : Grain, IBaselineGatewayGrain
{
    private IBaselineKeyValueGrain Store => GrainFactory.GetGrain<IBaselineKeyValueGrain>(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public Task<KvResponse> Put(string key, string value)
        => BaselineInput.Check(key) is { } bad ? Task.FromResult(bad) : Store.Put(key, value);

    /// <inheritdoc />
    public Task<KvResponse> Get(string key)
        => BaselineInput.Check(key) is { } bad ? Task.FromResult(bad) : Store.Get(key);

    /// <inheritdoc />
    public Task<KvResponse> CompareAndSwap(string key, CasCondition condition, string newValue)
        => BaselineInput.Check(key, condition, needsCondition: true) is { } bad ? Task.FromResult(bad) : Store.CompareAndSwap(key, condition, newValue);
}
