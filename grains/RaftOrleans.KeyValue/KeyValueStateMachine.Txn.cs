namespace RaftOrleans.KeyValue;

/// <summary>Transactions: compares, then the operations of one branch, all at one new revision.</summary>
public sealed partial class KeyValueStateMachine
{
    private KvResult ExecuteTxn(KvTxn txn, long next)
    {
        bool succeeded = txn.Compares.All(compare => compare.Holds(_data.TryGetValue(compare.Key, out KeyRecord r) ? r : null));
        IReadOnlyList<KvTxnOp> ops = succeeded ? txn.Success : txn.Failure;
        // All or nothing: a put naming an unknown lease fails the transaction before it changes anything.
        foreach (KvTxnOp op in ops)
        {
            if (op.Kind == KvTxnOpKind.Put && UnknownLease(op.Lease) is { } noLease) return KvResult.BadInput(noLease);
        }
        var responses = new KvResult[ops.Count];
        bool changed = false;
        for (int i = 0; i < ops.Count; i++)
        {
            KvTxnOp op = ops[i];
            switch (op.Kind)
            {
                case KvTxnOpKind.Put:
                    Write(op.Range.Key, op.Value!, next, op.Lease);
                    changed = true;
                    responses[i] = new KvResult(KvStatus.Ok, op.Value, next);
                    break;
                case KvTxnOpKind.Delete:
                    long count = RemoveRange(op.Range, next);
                    changed |= count > 0;
                    responses[i] = new KvResult(KvStatus.Ok, null, next) { Count = count };
                    break;
                default:
                    // A read sees the operations before it; its answer names the transaction's revision below.
                    responses[i] = Answer(op.Range, Current(op.Range), 0);
                    break;
            }
        }
        if (changed) Revision = next;
        for (int i = 0; i < responses.Length; i++) responses[i] = responses[i] with { Revision = Revision };
        return new KvResult(KvStatus.Ok, null, Revision) { Succeeded = succeeded, Responses = responses };
    }
}
