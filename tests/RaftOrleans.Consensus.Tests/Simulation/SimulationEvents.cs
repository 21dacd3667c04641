using RaftOrleans.KeyValue;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>Something scheduled to happen at a simulated instant. Events at the same instant run in
/// the order they were scheduled, which keeps a run deterministic.</summary>
internal abstract record SimEvent;

/// <summary>A replica-to-replica message arrives.</summary>
internal sealed record DeliverMessage(Message Message) : SimEvent;

/// <summary>A replica's clock ticks (each replica has its own phase).</summary>
internal sealed record TickReplica(int Replica) : SimEvent;

/// <summary>The nemesis decides on partitions, crashes and transfers.</summary>
internal sealed record NemesisRound : SimEvent;

/// <summary>A crashed replica comes back from its disk.</summary>
internal sealed record RestartReplica(int Replica) : SimEvent;

/// <summary>The current partition ends (ignored if a newer one replaced it).</summary>
internal sealed record HealPartition(long Epoch) : SimEvent;

/// <summary>The faulty phase ends: heal, restart everything, calm the network.</summary>
internal sealed record QuietPhase : SimEvent;

/// <summary>The watch client polls whichever replica leads.</summary>
internal sealed record WatchPoll : SimEvent;

/// <summary>A client starts its next operation.</summary>
internal sealed record ClientWake(int Client) : SimEvent;

/// <summary>A client request reaches a replica.</summary>
internal sealed record ClientRequestArrives(int Replica, ClientRequest Request) : SimEvent;

/// <summary>A replica's answer reaches the client.</summary>
internal sealed record ClientAnswerArrives(int Client, long Attempt, ReplicaAnswer Answer) : SimEvent;

/// <summary>An attempt has waited too long; the client retries elsewhere if it is still current.</summary>
internal sealed record ClientAttemptTimeout(int Client, long Attempt) : SimEvent;

/// <summary>An operation has waited too long; the client records it indeterminate if still open.</summary>
internal sealed record ClientOperationDeadline(int Client, long Sequence) : SimEvent;

/// <summary>One attempt of a client operation, as a replica receives it.</summary>
/// <param name="Client">The client (history process).</param>
/// <param name="Attempt">Unique attempt id; answers to older attempts are ignored.</param>
/// <param name="Kind">The operation.</param>
/// <param name="Key">The key (reads are served from it).</param>
/// <param name="Command">The encoded command for writes; null for reads.</param>
internal sealed record ClientRequest(int Client, long Attempt, HistoryOpKind Kind, string Key, byte[]? Command);

/// <summary>How a replica answered a request.</summary>
internal enum AnswerKind
{
    /// <summary>Applied (write) or served (read): <see cref="ReplicaAnswer.Result"/> holds the result.</summary>
    Done,
    /// <summary>Not taken: not leader, down, throttled, transferring. Retry elsewhere.</summary>
    Rejected,
    /// <summary>The attempt's log entry was overwritten, or the read was dropped with leadership.</summary>
    Lost,
}

/// <summary>A replica's answer to one attempt.</summary>
internal readonly record struct ReplicaAnswer(AnswerKind Kind, KvResult Result, int LeaderHint, string Reason);
