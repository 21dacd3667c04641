using System.Collections.Concurrent;
using RaftOrleans.Grains.Replica;

namespace RaftOrleans.Grains.Gateway;

/// <summary>
/// Backups through the gateway: <see cref="BeginBackup"/> is routed to the leader like any request
/// (redirects, retries, the request deadline); the chunks then come from the replica that holds the
/// session, whoever leads by then.
/// </summary>
internal sealed partial class KeyValueGrain
{
    /// <inheritdoc />
    public async Task<BackupBeginResult> BeginBackup()
    {
        if (CheckGroup() is { } bad) return new BackupBeginResult { Status = bad.Status, Message = bad.Message };
        // Attempts may race (a slow one stays in the race with later ones): whichever answers Ok
        // names its session, which is the one returned; the others are released.
        var sessions = new ConcurrentDictionary<string, BackupSession>(StringComparer.Ordinal);
        var response = await RouteAsync(async replica =>
        {
            var reply = await replica.BeginBackup();
            if (reply.Session is { } session)
            {
                sessions[session.SessionId.ToString()] = session;
                return new ReplicaReply { Response = new KvResponse { Status = KvStatusCode.Ok, Revision = session.Index, Value = session.SessionId.ToString() } };
            }
            return reply.Reply;
        }, "backup");
        if (response.IsOk && response.Value is { } id && sessions.TryGetValue(id, out var won))
        {
            foreach (var other in sessions.Values.Where(s => s.SessionId != won.SessionId))
            {
                _ = Replica(other.Replica).EndBackup(other.SessionId);
            }
            return new BackupBeginResult { Status = KvStatusCode.Ok, Session = won };
        }
        return new BackupBeginResult { Status = response.IsOk ? KvStatusCode.Unavailable : response.Status, Message = response.Message ?? "the backup session was lost" };
    }

    /// <inheritdoc />
    public async Task<BackupChunk> ReadBackupChunk(int replica, Guid session, long offset, int maxBytes)
    {
        if (CheckGroup() is { } bad) return new BackupChunk { Status = bad.Status, Message = bad.Message };
        if (!_topology.Contains(new ReplicaKey(_group, replica))) return new BackupChunk { Status = KvStatusCode.BadInput, Message = $"no replica {replica}" };
        try
        {
            return await Replica(replica).ReadBackupChunk(session, offset, maxBytes).WaitAsync(_options.RequestTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return new BackupChunk { Status = KvStatusCode.Unavailable, Message = $"replica {replica} holding the backup did not answer: {ex.GetBaseException().Message}" };
        }
    }

    /// <inheritdoc />
    public async Task EndBackup(int replica, Guid session)
    {
        if (CheckGroup() is not null || !_topology.Contains(new ReplicaKey(_group, replica))) return;
        try
        {
            await Replica(replica).EndBackup(session).WaitAsync(_options.AttemptTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // Best effort: an unreleased session expires on its own.
        }
    }
}
