using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Wire;

/// <summary>
/// Translates between the client-facing request and response types (<see cref="RangeRequest"/>,
/// <see cref="TxnRequest"/>, <see cref="KvResponse"/>) and the state machine's own (<see cref="KvRange"/>,
/// <see cref="KvTxn"/>, <see cref="KvResult"/>). The two are kept apart so clients need no state-machine code and the
/// log format does not move with the wire types; this is the one place they meet.
/// </summary>
internal static class KvWire
{
    /// <summary>The state machine's range for <paramref name="request"/> (null stays null, for validation to report).</summary>
    public static KvRange? ToRange(RangeRequest? request) => request is null ? null : new KvRange
    {
        Key = request.Key ?? "",
        RangeEnd = request.RangeEnd,
        Prefix = request.Prefix,
        Limit = request.Limit,
        KeysOnly = request.KeysOnly,
        CountOnly = request.CountOnly,
        Revision = request.Revision,
    };

    /// <summary>The state machine's transaction for <paramref name="request"/>.</summary>
    public static KvTxn ToTxn(TxnRequest request) => new()
    {
        Compares = (request.Compares ?? []).Select(c => c is null ? null! : new KvCompare
        {
            Key = c.Key ?? "",
            Target = (KvCompareTarget)c.Target,
            Operator = (KvCompareOperator)c.Operator,
            Value = c.Value,
            Number = c.Number,
        }).ToList(),
        Success = ToOps(request.Success),
        Failure = ToOps(request.Failure),
    };

    private static List<KvTxnOp> ToOps(IReadOnlyList<TxnOperation>? ops) =>
        (ops ?? []).Select(op => op is null ? null! : new KvTxnOp { Kind = (KvTxnOpKind)op.Kind, Range = ToRange(op.Range)!, Value = op.Value, Lease = op.Lease }).ToList();

    /// <summary>The client's form of a state-machine result.</summary>
    public static KvResponse ToResponse(KvResult r) => new()
    {
        Status = r.Status switch
        {
            KvStatus.Ok => KvStatusCode.Ok,
            KvStatus.NotFound => KvStatusCode.NotFound,
            KvStatus.CasConflict => KvStatusCode.CasConflict,
            KvStatus.Compacted => KvStatusCode.Compacted,
            _ => KvStatusCode.BadInput,
        },
        Value = r.Value,
        Revision = r.Revision,
        Message = r.Message,
        CreateRevision = r.CreateRevision,
        Version = r.Version,
        Items = r.Entries?.Select(ToItem).ToList(),
        Count = r.Count,
        More = r.More,
        Succeeded = r.Succeeded,
        Lease = r.Lease,
        Ttl = r.Ttl,
        GrantedTtl = r.GrantedTtl,
        Responses = r.Responses?.Select(ToResponse).ToList(),
        Events = r.Events?.Select(e => new WatchEvent
        {
            Revision = e.Revision,
            IsDelete = e.IsDelete,
            Current = ToItem(e.Current),
            Previous = e.Previous is { } p ? ToItem(p) : null,
        }).ToList(),
    };

    private static KeyValueItem ToItem(KvEntry e)
        => new() { Key = e.Key, Value = e.Value, CreateRevision = e.CreateRevision, ModRevision = e.ModRevision, Version = e.Version, Lease = e.Lease };
}
