namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// A record, kept in the service collection, that a provider on this silo uses a PostgreSQL database and
/// needs some schema parts in it. It makes the hosting extensions idempotent (one record per
/// <see cref="Owner"/>) and tells <see cref="PostgreSqlSchemaCheck"/> what to verify.
/// </summary>
/// <param name="Owner">The provider: <c>"clustering"</c>, <c>"reminders"</c> or <c>"storage:{name}"</c>.</param>
/// <param name="ConnectionString">The Npgsql connection string.</param>
/// <param name="Parts">The schema parts the provider reads.</param>
internal sealed record PostgreSqlSchemaRequirement(string Owner, string ConnectionString, SqliteSchemaParts Parts);
