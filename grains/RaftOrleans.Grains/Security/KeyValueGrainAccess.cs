using Orleans.Serialization.Invocation;

namespace RaftOrleans.Grains.Security;

/// <summary>The kind of access one <see cref="IKeyValueGrain"/> method needs.</summary>
public enum AccessKind
{
    /// <summary>Reads the key given as an argument.</summary>
    ReadKey,
    /// <summary>Writes the key given as an argument.</summary>
    WriteKey,
    /// <summary>Reads the group's status (no key): any known identity.</summary>
    ReadStatus,
    /// <summary>Administrative: only <see cref="ClientAccess.Admin"/>.</summary>
    Admin,
}

/// <summary>What one call needs: its kind and, for key access, the key.</summary>
public readonly record struct AccessRequest(string Method, AccessKind Kind, string? Key);

/// <summary>
/// THE table of what each <see cref="IKeyValueGrain"/> method needs. A method missing here is
/// <see cref="AccessKind.Admin"/>: a new method stays closed to read-only and read-write clients until
/// it is classified here (fail closed). Classify a new method by adding one line.
/// </summary>
public static class KeyValueGrainAccess
{
    private static readonly Dictionary<string, (AccessKind Kind, int KeyArgument)> Methods = new(StringComparer.Ordinal)
    {
        [nameof(IKeyValueGrain.Get)] = (AccessKind.ReadKey, 0),
        [nameof(IKeyValueGrain.Put)] = (AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.Delete)] = (AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.CompareAndSwap)] = (AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.Increment)] = (AccessKind.WriteKey, 0),
        // Not classified yet, so Admin only: Range, DeleteRange, Watch (a RangeRequest: every key of the range must be
        // under a prefix), Txn (every compare and operation key), PutLeased (a write of its key, but to a lease another
        // client may revoke) and LeaseGrant/Revoke/KeepAlive/TimeToLive (no key; a revoke deletes the lease's keys,
        // wherever they are).
        [nameof(IKeyValueGrain.Status)] = (AccessKind.ReadStatus, -1),
        [nameof(IKeyValueGrain.ChangeMembership)] = (AccessKind.Admin, -1),
        [nameof(IKeyValueGrain.MoveLeader)] = (AccessKind.Admin, -1),
        [nameof(IKeyValueGrain.BeginBackup)] = (AccessKind.Admin, -1),
        [nameof(IKeyValueGrain.ReadBackupChunk)] = (AccessKind.Admin, -1),
        [nameof(IKeyValueGrain.EndBackup)] = (AccessKind.Admin, -1),
    };

    /// <summary>The methods classified here (for the test that every interface method is).</summary>
    public static IReadOnlyCollection<string> ClassifiedMethods => Methods.Keys;

    /// <summary>Classifies a call to <paramref name="method"/> with <paramref name="request"/>'s arguments.</summary>
    public static AccessRequest Classify(string method, IInvokable request)
        => Classify(method, i => i < request.GetArgumentCount() ? request.GetArgument(i) : null);

    /// <summary>Classifies a call to <paramref name="method"/> whose argument i is <paramref name="argument"/>(i) (null past the last).</summary>
    public static AccessRequest Classify(string method, Func<int, object?> argument)
    {
        if (!Methods.TryGetValue(method, out var rule)) return new AccessRequest(method, AccessKind.Admin, null);
        if (rule.KeyArgument < 0) return new AccessRequest(method, rule.Kind, null);
        // A key that is not a string (a changed signature) cannot be checked against prefixes: admin only.
        return argument(rule.KeyArgument) is string key
            ? new AccessRequest(method, rule.Kind, key)
            : new AccessRequest(method, AccessKind.Admin, null);
    }
}
