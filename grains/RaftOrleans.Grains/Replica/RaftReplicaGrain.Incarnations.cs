using RaftOrleans.Grains.Diagnostics;

namespace RaftOrleans.Grains.Replica;

internal sealed partial class RaftReplicaGrain
{
    /// <summary>At most one warning this often about messages from a replaced replica (it keeps sending them).</summary>
    private static readonly TimeSpan ForeignIncarnationLogInterval = TimeSpan.FromSeconds(10);

    private long _foreignMessagesLogged;
    private DateTimeOffset _nextForeignLog;

    /// <summary>
    /// Tells the operator, at a bounded rate, that a voter speaks under an incarnation the group did not record
    /// (its disk was replaced and it restarted under its old name): the consensus core drops its messages.
    /// </summary>
    private void ReportForeignIncarnations()
    {
        var dropped = _node.MessagesFromOtherIncarnations;
        if (dropped == _foreignMessagesLogged) return;
        var now = DateTimeOffset.UtcNow;
        if (now < _nextForeignLog) return;
        _nextForeignLog = now + ForeignIncarnationLogInterval;
        _foreignMessagesLogged = dropped;
        var recorded = _node.Incarnations is { } map ? string.Join(", ", map.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value:x16}")) : "";
        Log.MessagesFromOtherIncarnation(_logger, _name, dropped, recorded);
    }
}
