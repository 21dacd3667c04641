using RaftOrleans.Consensus;

namespace RaftOrleans.KeyValue;

/// <summary>
/// How <see cref="AppliedRequests{TWaiter}"/> reaches its driver: it answers the waiters the driver registered
/// and reports each applied entry (for metrics, fault hooks or checkers). Called synchronously, on the driver's
/// logical thread, from inside <see cref="AppliedRequests{TWaiter}.Apply"/> or
/// <see cref="AppliedRequests{TWaiter}.FailAll"/>.
/// </summary>
/// <typeparam name="TWaiter">The driver's handle for one waiting client request.</typeparam>
public interface IAppliedRequestsHost<in TWaiter>
{
    /// <summary>The request is done: its entry was applied with <paramref name="result"/>, or its read was
    /// served with <paramref name="result"/>. <paramref name="detail"/> says which, for traces.</summary>
    void Completed(TWaiter waiter, KvResult result, string detail);

    /// <summary>
    /// The request's outcome is unknown here (leadership lost, its entry overwritten, a snapshot replaced the
    /// entries, its read dropped): the client must retry, with the same session sequence for a write, so the
    /// state machine's session table applies it at most once.
    /// </summary>
    void Failed(TWaiter waiter, string reason);

    /// <summary>The state machine applied <paramref name="entry"/> (a no-op too, with a default result).</summary>
    void EntryApplied(Entry entry, KvResult result);
}
