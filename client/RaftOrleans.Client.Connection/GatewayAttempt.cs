using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// One gateway's part in a connection race: when it was tried, how each try ended, and the line the
/// user sees for it ("127.0.0.1:30001 refused (4 tries)").
/// </summary>
internal sealed class GatewayAttempt(IPEndPoint endpoint, string? closedHint = null)
{
    private readonly object _lock = new();
    private readonly Stopwatch _clock = new();
    private GatewayOutcome _outcome = GatewayOutcome.NotTried;
    private GatewayOutcome? _lastFailure;
    private string? _detail;
    private int _failures;
    private TimeSpan _elapsed;
    private bool _tcpOpened;
    private bool _answeredLate;
    private string? _tlsProblem;

    /// <summary>The gateway.</summary>
    public IPEndPoint Endpoint { get; } = endpoint;

    /// <summary>How the attempt ended (or stands, while it runs).</summary>
    public GatewayOutcome Outcome
    {
        get
        {
            lock (_lock)
            {
                return _outcome;
            }
        }
    }

    /// <summary>Failed tries so far.</summary>
    public int Failures
    {
        get
        {
            lock (_lock)
            {
                return _failures;
            }
        }
    }

    /// <summary>Marks the start of the first try.</summary>
    public void Started()
    {
        lock (_lock)
        {
            _clock.Start();
            _outcome = GatewayOutcome.Connecting;
        }
    }

    /// <summary>The TCP connection opened (the handshake may still never complete).</summary>
    public void TcpOpened()
    {
        lock (_lock)
        {
            _tcpOpened = true;
        }
    }

    /// <summary>Records one failed try (the lane may try again).</summary>
    public void Failed(Exception exception)
    {
        (GatewayOutcome kind, string detail) = Classify(exception);
        // A gateway that closes the connection before the Orleans handshake is (nearly always) one that
        // refused TLS: this client's certificate, or a plain connection to a silo that requires TLS.
        if (closedHint is not null && kind == GatewayOutcome.Failed
            && (detail.Contains("terminated prematurely", StringComparison.Ordinal) || detail.Contains("connection closed", StringComparison.OrdinalIgnoreCase)))
        {
            detail = $"{detail} ({closedHint})";
        }
        lock (_lock)
        {
            // Orleans answers a try within its reconnect back-off with "will retry after": that says
            // nothing new about the gateway, so the previous classification stands.
            if (kind != GatewayOutcome.Failed || _lastFailure is null || !detail.Contains("will retry after", StringComparison.Ordinal))
            {
                _failures++;
                _lastFailure = kind;
                _detail = detail;
            }
        }
    }

    /// <summary>This client refused the gateway's TLS certificate (<paramref name="reason"/> says why).</summary>
    public void Refused(string reason)
    {
        lock (_lock)
        {
            _tlsProblem = reason;
        }
    }

    /// <summary>The handshake completed.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            if (_outcome != GatewayOutcome.Connecting)
            {
                return;
            }
            _outcome = GatewayOutcome.Ok;
            _elapsed = _clock.Elapsed;
        }
    }

    /// <summary>The race ended without this gateway: another answered first (<paramref name="raceWon"/>) or the deadline passed.</summary>
    public void Abandoned(bool raceWon)
    {
        lock (_lock)
        {
            if (_outcome == GatewayOutcome.Ok)
            {
                // Also connected, but after the winner (or while the race was looking elsewhere).
                _outcome = GatewayOutcome.NotNeeded;
                _answeredLate = true;
                return;
            }
            if (_outcome != GatewayOutcome.Connecting)
            {
                return;
            }
            _elapsed = _clock.Elapsed;
            _outcome = _lastFailure ?? (raceWon ? GatewayOutcome.NotNeeded : GatewayOutcome.TimedOut);
        }
    }

    /// <summary>The user-facing line for this gateway.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            string tries = _failures > 1 ? $", {_failures} tries" : "";
            if (_tlsProblem is not null && _outcome is not (GatewayOutcome.Ok or GatewayOutcome.NotNeeded or GatewayOutcome.Connecting))
            {
                return $"{Endpoint} refused by this client: {_tlsProblem}{tries}";
            }
            return _outcome switch
            {
                GatewayOutcome.NotTried => $"{Endpoint} not tried",
                GatewayOutcome.Connecting => $"{Endpoint} connecting for {_clock.Elapsed.TotalMilliseconds:0} ms",
                GatewayOutcome.NotNeeded when _answeredLate => $"{Endpoint} not needed (answered in {_elapsed.TotalMilliseconds:0} ms, after the one used)",
                GatewayOutcome.NotNeeded => $"{Endpoint} not needed (still connecting after {_elapsed.TotalMilliseconds:0} ms)",
                GatewayOutcome.Ok => $"{Endpoint} ok in {_elapsed.TotalMilliseconds:0} ms",
                GatewayOutcome.Refused => $"{Endpoint} refused{tries}",
                GatewayOutcome.TimedOut when _tcpOpened => _detail is null
                    ? $"{Endpoint} timed out (connection accepted, no handshake in {_elapsed.TotalSeconds:0.0}s)"
                    : $"{Endpoint} timed out (connection accepted, no handshake{tries})",
                GatewayOutcome.TimedOut => $"{Endpoint} timed out (no answer in {_elapsed.TotalSeconds:0.0}s)",
                _ => $"{Endpoint} failed: {_detail}{tries}",
            };
        }
    }

    private static (GatewayOutcome Kind, string Detail) Classify(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            // TLS: the gateway refused this client's certificate (or sent none we trust).
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return (GatewayOutcome.Failed, $"TLS handshake failed: {e.Message}");
            }
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode == SocketError.ConnectionRefused
                    ? (GatewayOutcome.Refused, socket.Message)
                    : (GatewayOutcome.Failed, socket.Message);
            }
            // Orleans' socket transport reports a failed connect as a message only:
            // "Unable to connect to 127.0.0.1:30001. Error: ConnectionRefused".
            if (e.Message.EndsWith($"Error: {SocketError.ConnectionRefused}", StringComparison.Ordinal))
            {
                return (GatewayOutcome.Refused, e.Message);
            }
            // Orleans' ConnectionManager: "Connection attempt to endpoint ... timed out after ..." when
            // the TCP connection opened but the silo never answered the preamble.
            if (e.Message.Contains("timed out", StringComparison.OrdinalIgnoreCase) || e is TimeoutException)
            {
                return (GatewayOutcome.TimedOut, e.Message);
            }
        }
        return (GatewayOutcome.Failed, exception.GetBaseException().Message);
    }
}
