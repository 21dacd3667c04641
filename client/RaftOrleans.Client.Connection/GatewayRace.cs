using System.Net;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// Connects to the first listed gateway that completes an Orleans handshake, whichever others are
/// dead or paused ("happy eyeballs", RFC 8305, for silos). Gateways are tried in random order, to
/// spread clients over silos. The next gateway is tried as well as soon as
/// <list type="bullet">
/// <item>every running try has failed once (a refused connection fails in microseconds), or</item>
/// <item>a try opened its TCP connection <see cref="ConnectionSettings.GatewayStagger"/> ago and its
/// handshake has not completed (a paused silo's kernel accepts connections, the process never
/// answers), or</item>
/// <item>the newest try has not even opened a TCP connection after <see cref="SlowStart"/>
/// (an unreachable host whose SYNs go unanswered).</item>
/// </list>
/// The first to connect wins; the rest are stopped. The stagger clock starts at the TCP connection,
/// not at the try's start, because a fresh client spends most of its start in its own code (JIT,
/// dependency injection), which on a loaded machine takes seconds and says nothing about the silo:
/// a healthy first gateway costs no second client.
/// </summary>
internal static class GatewayRace
{
    /// <summary>How long a try may go without a TCP connection before the next gateway is tried too.</summary>
    public static readonly TimeSpan SlowStart = TimeSpan.FromSeconds(3);

    /// <summary>Runs the race; throws <see cref="ClusterUnavailableException"/> listing every gateway when the deadline passes first.</summary>
    public static async Task<ClusterConnection> RunAsync(
        ConnectionSettings settings, IReadOnlyList<IPEndPoint> gateways, Deadline deadline, CancellationToken cancellationToken)
    {
        GatewayAttempt[] attempts = [.. gateways.OrderBy(_ => Random.Shared.Next()).Select(g => new GatewayAttempt(g, ClosedHint(settings)))];
        var lanes = new List<(GatewayLane Lane, Task Overdue)>();
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(deadline.Remaining);
        Task expired = Delay(Timeout.InfiniteTimeSpan);
        StartLane();
        while (true)
        {
            var waits = new List<Task> { expired };
            foreach ((GatewayLane lane, Task overdue) in lanes.Where(l => !l.Lane.Connected.IsCompleted))
            {
                waits.Add(lane.Connected);
                if (lanes.Count < attempts.Length)
                {
                    waits.Add(overdue);
                    waits.Add(lane.FirstFailure);
                }
            }
            await Task.WhenAny(waits);

            GatewayLane? winner = lanes
                .Select(l => l.Lane)
                .Where(l => l.Connected.IsCompletedSuccessfully && l.Connected.Result)
                .MinBy(l => l.ConnectedAt);
            if (winner is not null)
            {
                foreach ((GatewayLane loser, _) in lanes.Where(l => l.Lane != winner))
                {
                    loser.Abandon(raceWon: true);
                }
                return new ClusterConnection(winner, Report(attempts));
            }
            bool allGaveUp = lanes.Count == attempts.Length && lanes.All(l => l.Lane.Connected.IsCompleted);
            if (expired.IsCompleted || allGaveUp)
            {
                // A lane that connected just as the deadline passed still wins: its task is completing.
                GatewayLane? justConnected = lanes.Select(l => l.Lane).FirstOrDefault(l => l.Attempt.Outcome == GatewayOutcome.Ok);
                if (justConnected is not null && await justConnected.Connected)
                {
                    foreach ((GatewayLane loser, _) in lanes.Where(l => l.Lane != justConnected))
                    {
                        loser.Abandon(raceWon: true);
                    }
                    return new ClusterConnection(justConnected, Report(attempts));
                }
                foreach ((GatewayLane lane, _) in lanes)
                {
                    lane.Abandon(raceWon: false);
                }
                cancellationToken.ThrowIfCancellationRequested();
                throw new ClusterUnavailableException(
                    $"no silo reachable within {deadline.Total.TotalSeconds:0.#}s via {GatewayDirectory.Where(settings)}: {Report(attempts)}");
            }
            bool allFailedOnce = lanes.All(l => l.Lane.FirstFailure.IsCompleted || l.Lane.Connected.IsCompleted);
            bool anyOverdue = lanes.Any(l => l.Overdue.IsCompleted && !l.Lane.Connected.IsCompleted);
            if (lanes.Count < attempts.Length && (allFailedOnce || anyOverdue))
            {
                StartLane();
            }
        }

        void StartLane()
        {
            GatewayAttempt attempt = attempts[lanes.Count];
            var lane = new GatewayLane(attempt, l => ClusterConnection.BuildHost(settings, attempt.Endpoint, l));
            // Overdue: no handshake GatewayStagger after the TCP connection opened, or no TCP connection after SlowStart.
            Task handshakeOverdue = lane.TcpConnected.ContinueWith(_ => Delay(settings.GatewayStagger), TaskScheduler.Default).Unwrap();
            lanes.Add((lane, Task.WhenAny(handshakeOverdue, Delay(SlowStart))));
            lane.Start();
        }

        // A timer that completes (never faults) at its time or when the race's deadline passes.
        Task Delay(TimeSpan delay) => Task.Delay(delay, expiry.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>One line naming every gateway and what it did.</summary>
    public static string Report(IEnumerable<GatewayAttempt> attempts) => string.Join("; ", attempts.Select(a => a.ToString()));

    /// <summary>What a connection closed during the handshake most likely means, for the user.</summary>
    private static string ClosedHint(ConnectionSettings settings) => settings.Tls is null
        ? "closed before the handshake: does the cluster require TLS? give --cert, --key and --cacert"
        : "closed during the TLS handshake: the gateway refused this client's certificate (not issued by its CA, expired, or not for client authentication; the silo's log names the reason)";
}
