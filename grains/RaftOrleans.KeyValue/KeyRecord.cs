namespace RaftOrleans.KeyValue;

/// <summary>What the keyspace keeps per present key: its value and the revisions etcd reports for it.</summary>
/// <param name="Value">The value.</param>
/// <param name="CreateRevision">The store revision that created the key.</param>
/// <param name="ModRevision">The store revision of its last write.</param>
/// <param name="Version">Writes since creation (1 after the first).</param>
/// <param name="Lease">The lease the key is attached to (0 = none): it is deleted when the lease ends.</param>
internal readonly record struct KeyRecord(string Value, long CreateRevision, long ModRevision, long Version, long Lease = 0)
{
    /// <summary>The key written again at <paramref name="revision"/> with <paramref name="value"/> (and its lease: a
    /// put without one detaches the key, as in etcd).</summary>
    public KeyRecord Rewritten(string value, long revision, long lease) => new(value, CreateRevision, revision, Version + 1, lease);

    /// <summary>A key created at <paramref name="revision"/>.</summary>
    public static KeyRecord Created(string value, long revision, long lease) => new(value, revision, revision, 1, lease);

    /// <summary>The public form of this record under <paramref name="key"/>.</summary>
    public KvEntry ToEntry(string key, bool keysOnly = false) => new(key, keysOnly ? null : Value, CreateRevision, ModRevision, Version, Lease);
}
