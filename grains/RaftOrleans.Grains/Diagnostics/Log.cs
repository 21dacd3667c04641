using Microsoft.Extensions.Logging;

namespace RaftOrleans.Grains.Diagnostics;

/// <summary>All log messages of the Raft grains, source-generated, in one catalogue.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Replica {Replica} activated on {Silo}: term {Term}, commit {Commit}, last index {LastIndex}, applied {Applied}")]
    public static partial void ReplicaActivated(ILogger logger, string replica, string silo, long term, long commit, long lastIndex, long applied);

    [LoggerMessage(2, LogLevel.Information, "Replica {Replica} is now {Role} in term {Term} (leader {Leader})")]
    public static partial void RoleChanged(ILogger logger, string replica, string role, long term, int leader);

    [LoggerMessage(3, LogLevel.Error, "Replica {Replica} stops: another activation wrote its storage (ETag conflict). Fail-stop: it answers nothing until re-activated.")]
    public static partial void FailStopEtag(ILogger logger, Exception exception, string replica);

    [LoggerMessage(4, LogLevel.Error, "Replica {Replica} stops after a storage failure; in-flight requests fail and the replica re-activates from durable state")]
    public static partial void FailStopStorage(ILogger logger, Exception exception, string replica);

    [LoggerMessage(5, LogLevel.Debug, "Sending to replica {Target} failed")]
    public static partial void SendFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(6, LogLevel.Warning, "Gateway for group {Group} gives up after {Attempts} attempts in {Elapsed}: {Reason}")]
    public static partial void GatewayUnavailable(ILogger logger, string group, int attempts, TimeSpan elapsed, string reason);

    [LoggerMessage(7, LogLevel.Information, "Activated {Count} local Raft replicas on silo {Silo}")]
    public static partial void ReplicasWoken(ILogger logger, int count, string silo);

    [LoggerMessage(8, LogLevel.Warning, "Could not activate replica {Replica} at silo start")]
    public static partial void WakeFailed(ILogger logger, Exception exception, string replica);

    [LoggerMessage(10, LogLevel.Warning, "Replica {Replica}: storage write of {Entries} entries (tail {TailEntries}) took {ElapsedMs:0} ms")]
    public static partial void SlowStorageWrite(ILogger logger, string replica, int entries, int tailEntries, double elapsedMs);

    [LoggerMessage(9, LogLevel.Warning, "Dropped a malformed Raft message batch for {Replica}: {Reason}")]
    public static partial void BadMessage(ILogger logger, string replica, string reason);

    [LoggerMessage(60, LogLevel.Debug, "Replica {Replica}: snapshot at {AppliedIndex} written ({Bytes} bytes in {Parts} delta rows, captured on the pump in {TakeMs:0.0} ms, encoded and written in {ElapsedMs:0} ms; base generation {Generation})")]
    public static partial void SnapshotWritten(ILogger logger, string replica, long appliedIndex, long bytes, int parts, double takeMs, double elapsedMs, int generation);

    [LoggerMessage(61, LogLevel.Debug, "Replica {Replica}: log compacted to {Index} (first index {FirstIndex})")]
    public static partial void LogCompacted(ILogger logger, string replica, long index, long firstIndex);

    [LoggerMessage(62, LogLevel.Information, "Replica {Replica}: installed a snapshot at index {Index} term {Term} ({Bytes} bytes) in {ElapsedMs:0} ms")]
    public static partial void SnapshotInstalled(ILogger logger, string replica, long index, long term, int bytes, double elapsedMs);

    [LoggerMessage(70, LogLevel.Information, "Replica {Replica}: storage incarnation {Incarnation:x16}; group configuration committed: {ConfigurationCommitted}")]
    public static partial void ReplicaIncarnation(ILogger logger, string replica, long incarnation, bool configurationCommitted);

    [LoggerMessage(71, LogLevel.Error, "Replica {Replica}: this storage (incarnation {Incarnation:x16}) is not the one the group recorded for this replica ({Recorded:x16}): its disk was replaced. The group ignores it; remove it and add it back as a new member")]
    public static partial void ReplicaExcluded(ILogger logger, string replica, long incarnation, long recorded);

    [LoggerMessage(72, LogLevel.Warning, "Replica {Replica}: dropped {Count} messages in all from another incarnation of a voter (a replica restarted on a blank disk under its old name; the group does not count it). Recorded incarnations: {Recorded}")]
    public static partial void MessagesFromOtherIncarnation(ILogger logger, string replica, long count, string recorded);

    [LoggerMessage(80, LogLevel.Information, "Replica {Replica}: proposed membership change {Change} of replica {Target} at index {Index}; now {Configuration}")]
    public static partial void MembershipChangeProposed(ILogger logger, string replica, string change, int target, long index, string configuration);

    [LoggerMessage(81, LogLevel.Information, "Replica {Replica}: group configuration at index {Index} committed: {Configuration}")]
    public static partial void ConfigurationCommitted(ILogger logger, string replica, long index, string configuration);

    [LoggerMessage(82, LogLevel.Warning, "Replica {Replica}: self-healing: {Change} of replica {Target} on silo {Silo} (a member's silo has been down for the grace period); configuration {Configuration}")]
    public static partial void SelfHealingChange(ILogger logger, string replica, string change, int target, string silo, string configuration);

    [LoggerMessage(83, LogLevel.Information, "Replica {Replica}: self-healing: {Change} of replica {Target} committed: {Configuration}")]
    public static partial void SelfHealingDone(ILogger logger, string replica, string change, int target, string configuration);

    [LoggerMessage(84, LogLevel.Information, "Replica {Replica}: self-healing: {Change} of replica {Target} not done yet ({Reason}); asked again next round")]
    public static partial void SelfHealingRetry(ILogger logger, string replica, string change, int target, string reason);

    [LoggerMessage(85, LogLevel.Information, "Replica {Replica}: lease {Lease} expired (no keep-alive within its time to live); proposing its revoke")]
    public static partial void LeaseExpired(ILogger logger, string replica, long lease);
}
