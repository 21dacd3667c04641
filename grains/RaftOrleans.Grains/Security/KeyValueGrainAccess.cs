using Orleans.Serialization.Invocation;

namespace RaftOrleans.Grains.Security;

/// <summary>The kind of access one <see cref="IKeyValueGrain"/> method needs.</summary>
public enum AccessKind
{
    /// <summary>Reads the key (or, with <see cref="AccessRequest.Ranges"/>, every key of the ranges) given as arguments.</summary>
    ReadKey,
    /// <summary>Writes the key (or every key of the ranges) given as arguments.</summary>
    WriteKey,
    /// <summary>Reads the group's status (no key): any known identity.</summary>
    ReadStatus,
    /// <summary>Administrative: only <see cref="ClientAccess.Admin"/>.</summary>
    Admin,
    /// <summary>Grants, keeps alive or asks about a lease (no key): any read-write identity.</summary>
    UseLease,
    /// <summary>Revokes a lease, which deletes its keys wherever they are: a read-write identity without prefix limits.</summary>
    RevokeLease,
}

/// <summary>What one call needs: its kind and, for key access, the key, or the ranges when it names several keys.</summary>
public readonly record struct AccessRequest(string Method, AccessKind Kind, string? Key, IReadOnlyList<RangeRequest>? Ranges = null)
{
    /// <inheritdoc />
    public bool Equals(AccessRequest other)
        => Method == other.Method && Kind == other.Kind && Key == other.Key && (Ranges ?? []).SequenceEqual(other.Ranges ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Method, Kind, Key, Ranges?.Count ?? 0);
}

/// <summary>
/// THE table of what each <see cref="IKeyValueGrain"/> method needs. A method missing here is
/// <see cref="AccessKind.Admin"/>: a new method stays closed to read-only and read-write clients until
/// it is classified here (fail closed). Classify a new method by adding one line.
/// </summary>
public static class KeyValueGrainAccess
{
    private static readonly Dictionary<string, Func<string, Func<int, object?>, AccessRequest>> Methods = new(StringComparer.Ordinal)
    {
        [nameof(IKeyValueGrain.Get)] = KeyAt(AccessKind.ReadKey, 0),
        [nameof(IKeyValueGrain.Put)] = KeyAt(AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.PutLeased)] = KeyAt(AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.Delete)] = KeyAt(AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.CompareAndSwap)] = KeyAt(AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.Increment)] = KeyAt(AccessKind.WriteKey, 0),
        [nameof(IKeyValueGrain.Range)] = RangeAt(AccessKind.ReadKey, 0),
        [nameof(IKeyValueGrain.Watch)] = RangeAt(AccessKind.ReadKey, 0),
        [nameof(IKeyValueGrain.DeleteRange)] = RangeAt(AccessKind.WriteKey, 0),
        // Every key a transaction compares or touches; a transaction that writes needs write access to all of them.
        [nameof(IKeyValueGrain.Txn)] = (method, argument) => argument(0) is TxnRequest txn ? OfTxn(method, txn) : AdminOnly(method),
        [nameof(IKeyValueGrain.LeaseGrant)] = Fixed(AccessKind.UseLease),
        [nameof(IKeyValueGrain.LeaseKeepAlive)] = Fixed(AccessKind.UseLease),
        [nameof(IKeyValueGrain.LeaseTimeToLive)] = Fixed(AccessKind.UseLease),
        [nameof(IKeyValueGrain.LeaseRevoke)] = Fixed(AccessKind.RevokeLease),
        [nameof(IKeyValueGrain.Status)] = Fixed(AccessKind.ReadStatus),
        [nameof(IKeyValueGrain.ChangeMembership)] = Fixed(AccessKind.Admin),
        [nameof(IKeyValueGrain.MoveLeader)] = Fixed(AccessKind.Admin),
        [nameof(IKeyValueGrain.BeginBackup)] = Fixed(AccessKind.Admin),
        [nameof(IKeyValueGrain.ReadBackupChunk)] = Fixed(AccessKind.Admin),
        [nameof(IKeyValueGrain.EndBackup)] = Fixed(AccessKind.Admin),
    };

    /// <summary>The methods classified here (for the test that every interface method is).</summary>
    public static IReadOnlyCollection<string> ClassifiedMethods => Methods.Keys;

    /// <summary>Classifies a call to <paramref name="method"/> with <paramref name="request"/>'s arguments.</summary>
    public static AccessRequest Classify(string method, IInvokable request)
        => Classify(method, i => i < request.GetArgumentCount() ? request.GetArgument(i) : null);

    /// <summary>Classifies a call to <paramref name="method"/> whose argument i is <paramref name="argument"/>(i) (null past the last).</summary>
    public static AccessRequest Classify(string method, Func<int, object?> argument)
        => Methods.TryGetValue(method, out var rule) ? rule(method, argument) : AdminOnly(method);

    private static AccessRequest AdminOnly(string method) => new(method, AccessKind.Admin, null);

    private static Func<string, Func<int, object?>, AccessRequest> Fixed(AccessKind kind) => (method, _) => new AccessRequest(method, kind, null);

    // A key that is not a string, or a range that is not a RangeRequest (a changed signature), cannot be checked
    // against prefixes: admin only.
    private static Func<string, Func<int, object?>, AccessRequest> KeyAt(AccessKind kind, int index)
        => (method, argument) => argument(index) is string key ? new AccessRequest(method, kind, key) : AdminOnly(method);

    private static Func<string, Func<int, object?>, AccessRequest> RangeAt(AccessKind kind, int index)
        => (method, argument) => argument(index) is RangeRequest range ? new AccessRequest(method, kind, null, [range]) : AdminOnly(method);

    private static AccessRequest OfTxn(string method, TxnRequest txn)
    {
        var operations = (txn.Success ?? []).Concat(txn.Failure ?? []).ToList();
        if (operations.Any(op => op?.Range is null) || (txn.Compares ?? []).Any(c => c?.Key is null)) return AdminOnly(method);
        var ranges = (txn.Compares ?? []).Select(c => RangeRequest.Single(c.Key)).Concat(operations.Select(op => op.Range)).ToList();
        bool writes = operations.Any(op => op.Kind != TxnOperationKind.Range);
        return new AccessRequest(method, writes ? AccessKind.WriteKey : AccessKind.ReadKey, null, ranges);
    }
}
