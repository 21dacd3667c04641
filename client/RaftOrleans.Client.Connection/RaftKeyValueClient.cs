using System.Net;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Connection;

/// <summary>
/// A connection to a RaftOrleans cluster for application code. It reaches a live silo gateway within
/// its deadline whichever listed gateways are dead (connection refused) or paused (the kernel accepts
/// the connection, the silo never answers): it races the gateways as <c>raftkv</c> does and keeps the
/// first whose Orleans handshake completes, through an Orleans client that knows only that gateway.
/// </summary>
/// <remarks>
/// <para>
/// Why not a plain Orleans client with every gateway listed: with one silo paused, a client that
/// routes a grain through it waits the whole response timeout on every call for as long as the pause
/// lasts, and a fresh client often takes 15 s to start or 5 s for its first call
/// (<c>client/RaftOrleans.Client/README.md</c> has the measurements).
/// </para>
/// <para>
/// It does not reconnect. When its gateway silo dies or is stopped, <see cref="IsLost"/> turns true and
/// calls fail; dispose it and connect again (the race then skips the lost gateway if it stays down).
/// A call in flight when the gateway is lost waits for <see cref="ConnectionSettings.RequestTimeout"/>
/// unless the caller also waits on <see cref="NextGatewayLoss"/>. A write that fails that way may or
/// may not have applied. A gateway that is paused (not lost) shows as calls failing with
/// <see cref="TimeoutException"/> after <see cref="ConnectionSettings.RequestTimeout"/>; connecting
/// again races the gateways anew. The stores it hands out are safe for concurrent use.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var client = await RaftKeyValueClient.ConnectAsync(new ConnectionSettings
/// {
///     Gateways = [IPEndPoint.Parse("10.0.0.1:30001"), IPEndPoint.Parse("10.0.0.2:30001"), IPEndPoint.Parse("10.0.0.3:30001")],
/// });
/// KvResponse put = await client.Store.PutAsync("config/feature-x", "on");
/// KvResponse get = await client.Store.GetAsync("config/feature-x");   // linearizable
/// </code>
/// </example>
public sealed class RaftKeyValueClient : IAsyncDisposable
{
    private readonly ClusterConnection _connection;

    private RaftKeyValueClient(ClusterConnection connection, string group)
    {
        _connection = connection;
        Store = new RaftKeyValueStore(connection.Client, group);
    }

    /// <summary>
    /// Connects through the first listed gateway that completes the Orleans handshake within
    /// <see cref="ConnectionSettings.ConnectTimeout"/> capped by <see cref="ConnectionSettings.RequestTimeout"/>.
    /// </summary>
    /// <param name="settings">Where the gateways are listed, the ids, the group and the deadlines.</param>
    /// <param name="cancellationToken">Stops connecting early (then <see cref="OperationCanceledException"/> is thrown).</param>
    /// <returns>The connected client; dispose it to leave the cluster.</returns>
    /// <exception cref="ArgumentException">The settings can never work: no gateways, data directory or PostgreSQL connection
    /// string; a null gateway; a blank group or id; a timeout that is not positive (<see cref="ArgumentOutOfRangeException"/>).</exception>
    /// <exception cref="ClusterUnavailableException">No gateway answered within the deadline (the message names every gateway
    /// tried and what it did), no gateway is listed in the membership table, or the data directory holds no cluster file.</exception>
    public static async Task<RaftKeyValueClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken = default)
        => new(await ClusterConnection.ConnectAsync(settings, cancellationToken), settings.Group);

    /// <summary>
    /// Connects within what is left of <paramref name="deadline"/>, capped by
    /// <see cref="ConnectionSettings.ConnectTimeout"/>: for a caller whose one budget covers connecting and
    /// the request that follows (each <c>raftkv</c> command).
    /// </summary>
    /// <param name="settings">Where the gateways are listed, the ids, the group and the deadlines.</param>
    /// <param name="deadline">The caller's budget; connecting spends from it.</param>
    /// <param name="cancellationToken">Stops connecting early (then <see cref="OperationCanceledException"/> is thrown).</param>
    /// <returns>The connected client; dispose it to leave the cluster.</returns>
    /// <exception cref="ArgumentException">As for <see cref="ConnectAsync(ConnectionSettings, CancellationToken)"/>.</exception>
    /// <exception cref="ClusterUnavailableException">As for <see cref="ConnectAsync(ConnectionSettings, CancellationToken)"/>.</exception>
    public static async Task<RaftKeyValueClient> ConnectAsync(ConnectionSettings settings, Deadline deadline, CancellationToken cancellationToken = default)
        => new(await ClusterConnection.ConnectAsync(settings, deadline, cancellationToken), settings.Group);

    /// <summary>The store of <see cref="ConnectionSettings.Group"/>.</summary>
    public RaftKeyValueStore Store { get; }

    /// <summary>The store of another Raft group of the same cluster, through the same gateway.</summary>
    /// <param name="group">The group's name (not blank).</param>
    public RaftKeyValueStore GetStore(string group)
        => string.Equals(group, Store.Group, StringComparison.Ordinal) ? Store : new RaftKeyValueStore(Client, group);

    /// <summary>The Orleans client behind the stores. It knows only <see cref="Endpoint"/>; disposing this object stops it.</summary>
    public IClusterClient Client => _connection.Client;

    /// <summary>The gateway this client connected through: the first listed one that completed the handshake.</summary>
    public IPEndPoint Endpoint => _connection.Endpoint;

    /// <summary>
    /// What every listed gateway did while connecting, one entry per gateway separated by "; "
    /// (for example <c>127.0.0.1:30001 refused; 127.0.0.1:30002 not needed (still connecting after 760 ms); 127.0.0.1:30003 ok in 85 ms</c>).
    /// For logs and error messages; its wording is not a contract.
    /// </summary>
    public string Report => _connection.Report;

    /// <summary>True once the gateway connection is gone (its silo died or stopped): dispose this client and connect again.</summary>
    public bool IsLost => _connection.IsLost;

    /// <summary>
    /// A token cancelled at the next loss of the gateway connection. Orleans lets a call in flight
    /// through a lost gateway wait for its response timeout; waiting on this token too
    /// (<c>call.WaitAsync(client.NextGatewayLoss)</c>) ends the wait at once. Read it anew for each call:
    /// after a loss it is replaced.
    /// </summary>
    public CancellationToken NextGatewayLoss => _connection.GatewayLoss.NextLoss;

    /// <summary>Leaves the cluster (waiting at most a second for the gateway to acknowledge) and stops the Orleans client.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
