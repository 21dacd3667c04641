using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>
/// The SQLite provider tests run one class at a time: several silo hosts at once on two cores stall the
/// thread pool, and timings reported by these tests would measure each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SqliteAdoNetCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "SQLite ADO.NET providers";
}
