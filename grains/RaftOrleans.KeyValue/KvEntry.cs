namespace RaftOrleans.KeyValue;

/// <summary>
/// One key as the keyspace holds it, the way etcd describes a key-value pair.
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value; null in a keys-only range.</param>
/// <param name="CreateRevision">The store revision that created the key (since its last delete).</param>
/// <param name="ModRevision">The store revision that last wrote it.</param>
/// <param name="Version">How many times it was written since it was created (1 after the first put).</param>
/// <param name="Lease">The lease it is attached to (0 = none).</param>
public readonly record struct KvEntry(string Key, string? Value, long CreateRevision, long ModRevision, long Version, long Lease = 0);
