using Microsoft.Extensions.Hosting;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// One lane of a connection race: an Orleans client that knows exactly one gateway and retries it
/// until it answers or the lane is stopped. One gateway per client is the point: a client that knows
/// several gateways spreads its calls over them round-robin, and a call routed to a paused silo (whose
/// kernel still accepts TCP connections) waits out the open-connection timeout before Orleans tries
/// another, which is how a single paused silo cost fresh commands 5-10 s.
/// </summary>
internal sealed class GatewayLane : IClientConnectionRetryFilter, IClusterConnectionStatusObserver
{
    /// <summary>Pause between tries of the same gateway (a silo that is starting needs time to listen).</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _tcpConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<GatewayLane, IHost> _buildHost;
    private IHost? _host;

    public GatewayLane(GatewayAttempt attempt, Func<GatewayLane, IHost> buildHost)
    {
        Attempt = attempt;
        GatewayLoss = new GatewayLossSignal();
        _buildHost = buildHost;
    }

    /// <summary>This lane's gateway and what it did.</summary>
    public GatewayAttempt Attempt { get; }

    /// <summary>Gateway-loss notifications of this lane's client.</summary>
    public GatewayLossSignal GatewayLoss { get; }

    /// <summary>Completes when the first try fails: the race then starts the next lane at once.</summary>
    public Task FirstFailure => _firstFailure.Task;

    /// <summary>
    /// Completes when the TCP connection to the gateway is open and the Orleans handshake begins
    /// (Orleans reports the gateway count going up before it writes its preamble). A paused silo gets
    /// this far (its kernel accepts the connection) and no further.
    /// </summary>
    public Task TcpConnected => _tcpConnected.Task;

    /// <summary>Completes with true when the client connected, false when the lane was stopped first.</summary>
    public Task<bool> Connected { get; private set; } = Task.FromResult(false);

    /// <summary>When the lane connected (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for picking the first of several.</summary>
    public long ConnectedAt { get; private set; } = long.MaxValue;

    /// <summary>The lane's client host (owned by the winner's <see cref="ClusterConnection"/> once connected).</summary>
    public IHost Host => _host ?? throw new InvalidOperationException("the lane has not started");

    /// <summary>Starts connecting on the thread pool: building and starting a client host runs
    /// synchronous code for a while, and the race must keep its own timers meanwhile.</summary>
    public void Start()
    {
        Attempt.Started();
        Connected = Task.Run(ConnectAsync);
    }

    /// <inheritdoc />
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways > previousNumberOfGateways)
        {
            Attempt.TcpOpened();
            _tcpConnected.TrySetResult();
        }
    }

    /// <inheritdoc />
    public void NotifyClusterConnectionLost()
    {
    }

    /// <summary>Stops a lane that lost the race (or ran out of time) and disposes its client in the background.</summary>
    public void Abandon(bool raceWon)
    {
        Attempt.Abandoned(raceWon);
        _stop.Cancel();
        _ = DisposeWhenSettledAsync();
    }

    /// <inheritdoc />
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        Attempt.Failed(exception);
        _firstFailure.TrySetResult();
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        try
        {
            // A pause between tries of one gateway, not synchronisation: the race runs other lanes meanwhile.
            await Task.Delay(RetryDelay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> ConnectAsync()
    {
        try
        {
            _host = _buildHost(this);
            await _host.StartAsync(_stop.Token);
            ConnectedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            Attempt.Succeeded();
            return true;
        }
        catch (Exception e)
        {
            if (!_stop.IsCancellationRequested)
            {
                Attempt.Failed(e);
                _firstFailure.TrySetResult();
            }
            return false;
        }
    }

    private async Task DisposeWhenSettledAsync()
    {
        bool connected = await Connected;
        if (connected)
        {
            // Connected after losing the race: leave politely, but never wait long for it.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _host!.StopAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException)
            {
                // Best effort: the silo drops a vanished client on its own.
            }
        }
        _host?.Dispose();
        _stop.Dispose();
    }
}
