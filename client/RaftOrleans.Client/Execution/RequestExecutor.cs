using RaftOrleans.Client.Output;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Execution;

/// <summary>
/// Runs one request against a group's gateway grain with a deadline. Every transport failure
/// becomes an <see cref="KvStatusCode.Unavailable"/> result: the user learns the write may or may
/// not have applied, never sees a stack trace.
/// </summary>
public sealed class RequestExecutor(IKeyValueGrain gateway, TimeSpan timeout)
{
    /// <summary>Executes <paramref name="request"/>.</summary>
    public async Task<CommandResult> ExecuteAsync(KvRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (request is StatusRequest)
            {
                GroupStatus group = await gateway.Status().WaitAsync(timeout, cancellationToken);
                return new CommandResult { Request = request, Response = new KvResponse { Status = KvStatusCode.Ok }, Group = group };
            }
            Task<KvResponse> call = request switch
            {
                SetRequest set => gateway.Put(set.Key, set.Value),
                GetRequest get => gateway.Get(get.Key, get.Stale),
                DeleteRequest delete => gateway.Delete(delete.Key),
                CasRequest cas => gateway.CompareAndSwap(cas.Key, cas.Condition, cas.NewValue),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request, "unknown request"),
            };
            KvResponse response = await call.WaitAsync(timeout, cancellationToken);
            return new CommandResult { Request = request, Response = response };
        }
        catch (TimeoutException)
        {
            return CommandResult.Unavailable(request,
                $"no answer within {timeout.TotalSeconds:0.#}s" + (IsWrite(request) ? "; the write may or may not have applied" : ""));
        }
        catch (Exception e) when (e is OrleansException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return CommandResult.Unavailable(request,
                $"{e.GetBaseException().Message}" + (IsWrite(request) ? " (the write may or may not have applied)" : ""));
        }
    }

    private static bool IsWrite(KvRequest request) => request is SetRequest or DeleteRequest or CasRequest;
}
