namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// The parts of the Orleans ADO.NET schema a database holds. Flags: one database may hold several
/// (the shared cluster file holds <see cref="Clustering"/> and <see cref="Reminders"/>).
/// </summary>
/// <remarks>
/// Named for SQLite, where it came first; <c>PostgreSqlSchema</c> uses the same parts.
/// </remarks>
[Flags]
public enum SqliteSchemaParts
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Grain state for <c>Microsoft.Orleans.Persistence.AdoNet</c>.</summary>
    Storage = 1,

    /// <summary>Cluster membership and gateways for <c>Microsoft.Orleans.Clustering.AdoNet</c>.</summary>
    Clustering = 2,

    /// <summary>Reminders for <c>Microsoft.Orleans.Reminders.AdoNet</c>.</summary>
    Reminders = 4,

    /// <summary>Every part.</summary>
    All = Storage | Clustering | Reminders,
}
