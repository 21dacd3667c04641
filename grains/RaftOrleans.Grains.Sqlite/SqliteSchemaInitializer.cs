using Orleans.Runtime;
using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Creates the SQLite schema every provider of this silo needs before any of them starts.
/// </summary>
/// <remarks>
/// Why a lifecycle participant at <see cref="ServiceLifecycleStage.First"/>: the ADO.NET providers read
/// their queries from the file when they initialise, each at its own later stage (membership at
/// <see cref="ServiceLifecycleStage.RuntimeGrainServices"/>, grain storage at its <c>InitStage</c>,
/// <see cref="ServiceLifecycleStage.ApplicationServices"/> by default, reminders when the reminder service
/// starts). Stages run in order and a stage starts only after the previous one finished, so work at the
/// first stage is done before any of them, whatever their stages are configured to; and nothing is done
/// while the host is being built. Files are processed one at a time, each with every part any provider
/// of this silo needs from it.
/// </remarks>
internal sealed class SqliteSchemaInitializer(IEnumerable<SqliteSchemaRequirement> requirements)
    : IRaftStorageInitializer
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteSchemaInitializer), ServiceLifecycleStage.First, EnsureSchemasAsync);

    private async Task EnsureSchemasAsync(CancellationToken cancellationToken)
    {
        var partsByFile = requirements
            .GroupBy(requirement => requirement.FullPath, StringComparer.Ordinal)
            .Select(file => (Path: file.Key, Parts: file.Aggregate(SqliteSchemaParts.None, (parts, r) => parts | r.Parts)));
        foreach (var (path, parts) in partsByFile)
        {
            await SqliteSchema.EnsureCreatedAsync(path, parts, cancellationToken);
        }
    }
}
