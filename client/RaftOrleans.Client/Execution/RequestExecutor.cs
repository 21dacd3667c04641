using System.Diagnostics;
using RaftOrleans.Client.Connection;
using RaftOrleans.Client.Output;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Execution;

/// <summary>
/// Runs one request against a group's gateway grain with a deadline. Every transport failure
/// becomes an <see cref="KvStatusCode.Unavailable"/> result: the user learns the write may or may
/// not have applied, never sees a stack trace.
/// </summary>
/// <remarks>
/// When a gateway connection is lost while a request is in flight, Orleans would let the request
/// wait for the whole deadline. Instead: a read (get, status) is retried at once through the
/// remaining gateways, which is safe because it changes nothing; a write is answered
/// "unavailable, may or may not have applied" at once, because retrying it through another gateway
/// could apply it twice (the gateway's exactly-once session lives in the lost gateway activation).
/// </remarks>
public sealed class RequestExecutor(IKeyValueGrain gateway, GatewayLossSignal gatewayLoss, TimeSpan timeout)
{
    /// <summary>Executes <paramref name="request"/>.</summary>
    public async Task<CommandResult> ExecuteAsync(KvRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        bool isWrite = IsWrite(request);
        string ambiguity = isWrite ? " (the write may or may not have applied)" : "";
        while (true)
        {
            TimeSpan remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return CommandResult.Unavailable(request, $"no answer within {timeout.TotalSeconds:0.#}s{ambiguity}");
            }
            CancellationToken lost = gatewayLoss.NextLoss;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
            try
            {
                return await SendAsync(request, remaining, attempt.Token);
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                if (isWrite)
                {
                    return CommandResult.Unavailable(request, $"a gateway silo was lost while the request was in flight{ambiguity}");
                }
                // A read changes nothing: ask again through the gateways that are left.
            }
            catch (TimeoutException)
            {
                return CommandResult.Unavailable(request, $"no answer within {timeout.TotalSeconds:0.#}s{ambiguity}");
            }
            catch (Exception e) when (e is OrleansException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                return CommandResult.Unavailable(request, $"{e.GetBaseException().Message}{ambiguity}");
            }
            catch (Exception e)
            {
                // Anything else is still reported in the result format (and exit code 4), never as a
                // crash with a stack trace: a script reading --json output must always get one object.
                return CommandResult.Unavailable(request, $"unexpected {e.GetType().Name}: {e.GetBaseException().Message}{ambiguity}");
            }
        }
    }

    private async Task<CommandResult> SendAsync(KvRequest request, TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (request is StatusRequest)
        {
            GroupStatus group = await gateway.Status().WaitAsync(remaining, cancellationToken);
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
        KvResponse response = await call.WaitAsync(remaining, cancellationToken);
        return new CommandResult { Request = request, Response = response };
    }

    private static bool IsWrite(KvRequest request) => request is SetRequest or DeleteRequest or CasRequest;
}
