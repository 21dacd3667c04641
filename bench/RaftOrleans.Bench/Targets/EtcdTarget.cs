using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace RaftOrleans.Bench.Targets;

/// <summary>
/// An etcd cluster through the dotnet-etcd client. Put is a plain put; get is a linearizable range
/// (etcd's default), stale get a serializable one; compare-and-swap is a transaction comparing the
/// value, which reads the current value when the comparison fails (as the RaftOrleans CAS reports it).
/// </summary>
public sealed class EtcdTarget(IReadOnlyList<string> endpoints, TimeSpan timeout) : IKvTarget
{
    private readonly EtcdClient _client = EtcdClients.Create(endpoints);

    /// <inheritdoc />
    public string Name => TargetKind.Etcd.Name();

    /// <inheritdoc />
    public Task<OpResult> PutAsync(string key, string value)
        => Run(async () =>
        {
            await _client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) }, deadline: Deadline());
            return OpResult.Ok();
        });

    /// <inheritdoc />
    public Task<OpResult> GetAsync(string key, bool stale)
        => Run(async () =>
        {
            var response = await _client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key), Serializable = stale }, deadline: Deadline());
            return response.Kvs.Count == 0 ? new OpResult(OpOutcome.NotFound) : new OpResult(OpOutcome.Ok, response.Kvs[0].Value.ToStringUtf8());
        });

    /// <inheritdoc />
    public Task<OpResult> CompareAndSwapAsync(string key, string expected, string newValue)
        => Run(async () =>
        {
            var k = ByteString.CopyFromUtf8(key);
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare
            {
                Key = k,
                Target = Compare.Types.CompareTarget.Value,
                Result = Compare.Types.CompareResult.Equal,
                Value = ByteString.CopyFromUtf8(expected),
            });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = k, Value = ByteString.CopyFromUtf8(newValue) } });
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = k } });
            var response = await _client.TransactionAsync(txn, deadline: Deadline());
            if (response.Succeeded) return OpResult.Ok();
            var kvs = response.Responses.Count > 0 ? response.Responses[0].ResponseRange?.Kvs : null;
            return new OpResult(OpOutcome.Conflict, kvs is { Count: > 0 } ? kvs[0].Value.ToStringUtf8() : null);
        });

    private DateTime Deadline() => DateTime.UtcNow + timeout;

    private static async Task<OpResult> Run(Func<Task<OpResult>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e)
        {
            return OpResult.Failed($"{e.GetType().Name}: {e.GetBaseException().Message}");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
