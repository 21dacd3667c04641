namespace RaftOrleans.Grains;

/// <summary>Outcome of a key-value request, as the client sees it.</summary>
[GenerateSerializer, Alias("raftkv.KvStatusCode")]
public enum KvStatusCode : byte
{
    /// <summary>The request succeeded.</summary>
    Ok = 0,
    /// <summary>The key does not exist (get, delete).</summary>
    NotFound = 1,
    /// <summary>A compare-and-swap condition did not hold; the response carries the current value and revision.</summary>
    CasConflict = 2,
    /// <summary>No leader could be reached before the deadline. The request may or may not have taken effect.</summary>
    Unavailable = 3,
    /// <summary>The request was rejected before reaching the log (empty or oversized key, unknown group, ...).</summary>
    BadInput = 4,
    /// <summary>A read at a revision older than the history the leader keeps; <see cref="KvResponse.Revision"/> is the
    /// oldest revision it can read. Read again at that revision or later (or now, revision 0).</summary>
    Compacted = 5,
    /// <summary>
    /// The gateway refused the caller (no valid client credential, or not allowed to do this). Never sent by a
    /// gateway as a response status: clients map an <see cref="AccessDeniedException"/> to it. The request never reached the log.
    /// </summary>
    PermissionDenied = 6,
}
