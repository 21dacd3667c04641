namespace RaftOrleans.Client.Connection;

/// <summary>
/// Turns "the client lost a gateway connection" into a cancellation. Orleans does not fail a call
/// that was in flight through a gateway whose silo died: it waits for the response timeout (ORLEANS-FACTS).
/// With this signal a request stops waiting as soon as the gateway is lost, so a read can be retried
/// through another gateway at once and a write is reported unavailable in about a second instead of
/// after the whole deadline.
/// </summary>
internal sealed class GatewayLossSignal : IClusterConnectionStatusObserver
{
    private readonly object _lock = new();
    private CancellationTokenSource _current = new();
    private volatile bool _lost;

    /// <summary>True once the client has no gateway connection left (it knows a single gateway).</summary>
    public bool IsLost => _lost;

    /// <summary>A token cancelled at the next gateway loss (take a new one per attempt).</summary>
    public CancellationToken NextLoss
    {
        get
        {
            lock (_lock)
            {
                return _current.Token;
            }
        }
    }

    /// <inheritdoc />
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        _lost = currentNumberOfGateways == 0;
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Signal();
        }
    }

    /// <inheritdoc />
    public void NotifyClusterConnectionLost()
    {
        _lost = true;
        Signal();
    }

    private void Signal()
    {
        CancellationTokenSource lost;
        lock (_lock)
        {
            lost = _current;
            _current = new CancellationTokenSource();
        }
        // Cancel outside the lock: continuations of waiting requests may run inline.
        lost.Cancel();
        lost.Dispose();
    }
}
