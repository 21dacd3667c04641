using RaftOrleans.Client.Connection;
using RaftOrleans.Client.Output;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Execution;

/// <summary>
/// Runs requests against a group's gateway grain, each within one deadline that covers connecting
/// too (<c>--timeout</c> bounds the whole command). It connects lazily and again whenever the
/// gateway connection was lost, so a shell started before the cluster, or outliving a silo, recovers
/// on its own. Every transport failure becomes an <see cref="KvStatusCode.Unavailable"/> result that
/// names the gateways tried: the user learns the write may or may not have applied, never sees a
/// stack trace.
/// </summary>
/// <remarks>
/// When the gateway connection is lost while a request is in flight, Orleans would let the request
/// wait for the whole deadline. Instead: a read (get, status) is retried at once through a new
/// connection, which is safe because it changes nothing; a write is answered "unavailable, may or may
/// not have applied" at once, because retrying it through another gateway could apply it twice (the
/// gateway's exactly-once session lives in the lost gateway activation).
/// </remarks>
public sealed class RequestExecutor(ConnectionSettings settings) : IAsyncDisposable
{
    private RaftKeyValueClient? _connection;

    /// <summary>The current connection's gateway report, or null before the first connection.</summary>
    public string? GatewayReport => _connection?.Report;

    /// <summary>
    /// Executes <paramref name="request"/> within <see cref="ConnectionSettings.RequestTimeout"/>,
    /// connecting included, less <paramref name="alreadySpent"/> (the process start of a single command).
    /// </summary>
    public async Task<CommandResult> ExecuteAsync(KvRequest request, CancellationToken cancellationToken, TimeSpan alreadySpent = default)
    {
        Deadline deadline = settings.StartCommand(alreadySpent);
        bool isWrite = IsWrite(request);
        string ambiguity = isWrite ? " (the write may or may not have applied)" : "";
        while (true)
        {
            RaftKeyValueClient connection;
            try
            {
                connection = await ConnectAsync(deadline, cancellationToken);
            }
            catch (ClusterUnavailableException e)
            {
                return CommandResult.Unavailable(request, e.Message);
            }
            string via = $" [via {connection.Endpoint}; gateways: {connection.Report}]";
            TimeSpan remaining = deadline.Remaining;
            if (remaining <= TimeSpan.Zero)
            {
                return CommandResult.Unavailable(request, $"no answer within {deadline.Total.TotalSeconds:0.#}s{ambiguity}{via}");
            }
            CancellationToken lost = connection.NextGatewayLoss;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
            try
            {
                CommandResult result = await SendAsync(connection.Store, request, remaining, attempt.Token);
                return result.Response.Status == KvStatusCode.Unavailable
                    ? result with { Response = result.Response with { Message = (result.Response.Message ?? "unavailable") + via } }
                    : result;
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Drop(connection);
                if (isWrite)
                {
                    return CommandResult.Unavailable(request, $"the gateway silo was lost while the request was in flight{ambiguity}{via}");
                }
                // A read changes nothing: ask again through a new connection.
            }
            catch (AccessDeniedException e)
            {
                return new CommandResult { Request = request, Response = new KvResponse { Status = KvStatusCode.PermissionDenied, Message = e.Message } };
            }
            catch (TimeoutException)
            {
                // No answer: the gateway silo itself may be paused (its connection stays open, so no
                // loss is signalled). The next command races the gateways again instead of reusing it.
                Drop(connection);
                return CommandResult.Unavailable(request, $"no answer within {deadline.Total.TotalSeconds:0.#}s{ambiguity}{via}");
            }
            catch (Exception e) when (e is OrleansException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                return CommandResult.Unavailable(request, $"{e.GetBaseException().Message}{ambiguity}{via}");
            }
            catch (Exception e)
            {
                // Anything else is still reported in the result format (and exit code 4), never as a
                // crash with a stack trace: a script reading --json output must always get one object.
                return CommandResult.Unavailable(request, $"unexpected {e.GetType().Name}: {e.GetBaseException().Message}{ambiguity}{via}");
            }
        }
    }

    /// <summary>
    /// Connects now, within <see cref="ConnectionSettings.ConnectTimeout"/> and outside any command's
    /// deadline (a shell's session start). Returns false, leaving the next command to connect, when no
    /// gateway answered.
    /// </summary>
    public async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(Deadline.After(settings.ConnectTimeout), cancellationToken);
            return true;
        }
        catch (ClusterUnavailableException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    private async Task<RaftKeyValueClient> ConnectAsync(Deadline deadline, CancellationToken cancellationToken)
    {
        if (_connection is { IsLost: true } lost)
        {
            Drop(lost);
        }
        return _connection ??= await RaftKeyValueClient.ConnectAsync(settings, deadline, cancellationToken);
    }

    private void Drop(RaftKeyValueClient connection)
    {
        if (ReferenceEquals(_connection, connection))
        {
            _connection = null;
        }
        // Leaving a lost gateway must not spend the command's deadline: dispose in the background.
        _ = connection.DisposeAsync().AsTask();
    }

    private static async Task<CommandResult> SendAsync(RaftKeyValueStore store, KvRequest request, TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (request is StatusRequest)
        {
            GroupStatus group = await store.StatusAsync().WaitAsync(remaining, cancellationToken);
            return new CommandResult { Request = request, Response = new KvResponse { Status = KvStatusCode.Ok }, Group = group };
        }
        Task<KvResponse> call = request switch
        {
            SetRequest set => store.PutAsync(set.Key, set.Value),
            GetRequest get => store.GetAsync(get.Key, get.Stale),
            DeleteRequest delete => store.DeleteAsync(delete.Key),
            CasRequest cas => store.CompareAndSwapAsync(cas.Key, cas.Condition, cas.NewValue),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request, "unknown request"),
        };
        KvResponse response = await call.WaitAsync(remaining, cancellationToken);
        return new CommandResult { Request = request, Response = response };
    }

    private static bool IsWrite(KvRequest request) => request is SetRequest or DeleteRequest or CasRequest;
}
