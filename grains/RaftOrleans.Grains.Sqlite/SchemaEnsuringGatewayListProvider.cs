using Orleans.Messaging;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// The client's gateway list provider: creates the clustering schema in the cluster file, then lets
/// Orleans' ADO.NET provider read it.
/// </summary>
/// <remarks>
/// Why a decorator and not a lifecycle participant: a client starts its gateway list provider while it
/// connects, before its own lifecycle (<c>IClusterClientLifecycle</c>) runs any participant, so this is the
/// only hook that is guaranteed to run first. Creating the schema from the client makes start order free:
/// a client started before any silo gets Orleans' ordinary "no gateway yet" error, which a connection retry
/// filter can retry, instead of a "no such table" error from a file no silo has initialised.
/// </remarks>
internal sealed class SchemaEnsuringGatewayListProvider(IGatewayListProvider inner, string databasePath)
    : IGatewayListProvider
{
    /// <inheritdoc />
    public TimeSpan MaxStaleness => inner.MaxStaleness;

    /// <inheritdoc />
    [Obsolete("This attribute is no longer used and all providers are considered updatable")]
    public bool IsUpdatable => true;

    /// <inheritdoc />
    public async Task InitializeGatewayListProvider()
    {
        await SqliteSchema.EnsureCreatedAsync(databasePath, SqliteSchemaParts.Clustering);
        await inner.InitializeGatewayListProvider();
    }

    /// <inheritdoc />
    public Task<IList<Uri>> GetGateways() => inner.GetGateways();
}
