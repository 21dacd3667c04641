namespace RaftOrleans.Client.Connection;

/// <summary>What one listed gateway did while the client tried to connect.</summary>
internal enum GatewayOutcome
{
    /// <summary>Not tried: another gateway answered (or the deadline passed) before its turn.</summary>
    NotTried,
    /// <summary>Being tried: the race is still waiting for it.</summary>
    Connecting,
    /// <summary>Still handshaking when another gateway answered first.</summary>
    NotNeeded,
    /// <summary>The Orleans handshake completed: this gateway serves the command.</summary>
    Ok,
    /// <summary>The TCP connection was refused: nothing listens there (a dead or stopped silo).</summary>
    Refused,
    /// <summary>Accepted the connection but never completed the handshake: a paused, hung or starved silo.</summary>
    TimedOut,
    /// <summary>Any other failure; the attempt's detail says which.</summary>
    Failed,
}
