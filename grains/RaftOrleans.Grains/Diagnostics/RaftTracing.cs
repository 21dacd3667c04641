using System.Diagnostics;

namespace RaftOrleans.Grains.Diagnostics;

/// <summary>
/// The store's <see cref="ActivitySource"/> (<see cref="SourceName"/>). A request is traced as two spans: the
/// gateway's (<c>raftkv.gateway put</c>, <c>raftkv.gateway get</c>, ...: one event per attempt, the replica that
/// answered, the outcome) and, for a write, the leader's (<c>raftkv.replica.propose</c>: events <c>appended</c>
/// with the entry's index and term, <c>persisted</c> once the leader's own write of it is durable,
/// <c>committed</c> once a majority holds it, and the span ends when it is applied and answered). With Orleans'
/// activity propagation on (<c>AddActivityPropagation()</c> on the silo and the client) the leader's span is a
/// child of the gateway's, and both of the client's call. Nothing is recorded while nobody listens.
/// </summary>
public static class RaftTracing
{
    /// <summary>The activity source name to subscribe to (OpenTelemetry's <c>AddSource</c>).</summary>
    public const string SourceName = "RaftOrleans";

    /// <summary>The source.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// Starts <paramref name="name"/> under the current activity without making it current: the span outlives the
    /// synchronous call that starts it (a proposal ends when it is applied), and a span left current would become
    /// the parent of unrelated work later in the same grain turn.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityKind kind = ActivityKind.Internal)
    {
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, kind);
        Activity.Current = previous;
        return activity;
    }
}
