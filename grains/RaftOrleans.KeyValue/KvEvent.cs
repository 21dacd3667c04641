namespace RaftOrleans.KeyValue;

/// <summary>One change seen by a watch, as etcd reports it.</summary>
/// <param name="Revision">The store revision of the change (a transaction's changes share one).</param>
/// <param name="IsDelete">A delete; otherwise a put.</param>
/// <param name="Current">The key after a put, or just its key and the delete's revision after a delete.</param>
/// <param name="Previous">The key before the change; null when it was absent.</param>
public readonly record struct KvEvent(long Revision, bool IsDelete, KvEntry Current, KvEntry? Previous);
