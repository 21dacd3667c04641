namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// A record, kept in the service collection, that a provider on this host uses a SQLite file and needs
/// some schema parts in it. It makes the hosting extensions idempotent (one record per
/// <see cref="Owner"/>) and tells <see cref="SqliteSchemaInitializer"/> what to create.
/// </summary>
/// <param name="Owner">The provider that needs the file: <c>"clustering"</c>, <c>"reminders"</c> or
/// <c>"storage:{name}"</c>.</param>
/// <param name="FullPath">The absolute path of the database file.</param>
/// <param name="Parts">The schema parts the provider reads.</param>
internal sealed record SqliteSchemaRequirement(string Owner, string FullPath, SqliteSchemaParts Parts);
